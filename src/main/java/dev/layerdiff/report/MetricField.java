package dev.layerdiff.report;

import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.stats.DiffMetrics;
import java.util.function.ToDoubleFunction;

/**
 * The error metrics of a compared layer, described once: each one's name (as the JSON report, the HTML
 * page's data and the Spark job's Parquet columns all call it) and how to read it from a layer with
 * metrics. A new metric is one constant here. A statistic of the difference is undefined without a finite
 * pair: its value is then NaN (written as null), never 0.
 */
public enum MetricField {
    MAX_ABS("max_abs", false, stat(DiffMetrics::maxAbs)),
    MAX_ABS_INDEX("max_abs_index", true, l -> l.metrics().maxAbsIndex()),
    MEAN_ABS("mean_abs", false, stat(DiffMetrics::meanAbs)),
    MAX_REL("max_rel", false, stat(DiffMetrics::maxRel)),
    RMSE("rmse", false, stat(DiffMetrics::rmse)),
    COSINE("cosine", false, stat(DiffMetrics::cosine)),
    SQNR_DB("sqnr_db", false, stat(DiffMetrics::sqnrDb)),
    MISMATCHED("mismatched", true, l -> l.metrics().mismatched()),
    MISMATCHED_FRACTION("mismatched_fraction", false, l -> l.numel() == 0 ? 0 : (double) l.metrics().mismatched() / l.numel()),
    FINITE_PAIRS("finite_pairs", true, l -> l.metrics().finitePairs());

    private final String jsonName;
    private final boolean count;
    private final ToDoubleFunction<LayerReport> value;

    MetricField(String jsonName, boolean count, ToDoubleFunction<LayerReport> value) {
        this.jsonName = jsonName;
        this.count = count;
        this.value = value;
    }

    /** The name every report uses. */
    public String jsonName() { return jsonName; }

    /** Whether the value is a count: a whole number, always defined. */
    public boolean isCount() { return count; }

    /** The value of a layer that has metrics: NaN where a statistic is undefined. */
    public double value(LayerReport l) {
        return value.applyAsDouble(l);
    }

    /** A statistic of the difference: defined only over at least one finite pair. */
    private static ToDoubleFunction<LayerReport> stat(ToDoubleFunction<DiffMetrics> f) {
        return l -> l.metrics().finitePairs() > 0 ? f.applyAsDouble(l.metrics()) : Double.NaN;
    }
}
