package dev.layerdiff.spark;

import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.diagnosis.GroupDiagnosis;
import dev.layerdiff.diagnosis.LayerDiagnosis;
import dev.layerdiff.report.MetricField;
import dev.layerdiff.tensor.DType;
import java.util.function.Function;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The per-layer columns of {@code layers.parquet}, after the pair's own ({@code pair}, its labels,
 * {@code reference}, {@code candidate}). Named and valued as in the JSON report; numbers JSON cannot hold
 * (an infinite SQNR, statistics without a finite value) are null here too. Executors fill rows from this
 * table and the driver declares the schema from it.
 */
enum LayerColumn {
    LAYER("layer", DataTypes.StringType, l -> l.layer.name()),
    CANDIDATE_NAME("candidate_name", DataTypes.StringType, l -> l.layer.candidateName()),
    GROUP("group", DataTypes.StringType, l -> l.layer.group().jsonName()),
    ORDER("order", DataTypes.IntegerType, l -> l.layer.order()),
    STATUS("status", DataTypes.StringType, l -> l.layer.status().jsonName()),
    NUMEL("numel", DataTypes.LongType, l -> l.layer.numel()),
    REFERENCE_DTYPE("reference_dtype", DataTypes.StringType, l -> dtype(l.layer.referenceDtype())),
    CANDIDATE_DTYPE("candidate_dtype", DataTypes.StringType, l -> dtype(l.layer.candidateDtype())),
    MAX_ABS(MetricField.MAX_ABS),
    MAX_ABS_INDEX(MetricField.MAX_ABS_INDEX),
    MEAN_ABS(MetricField.MEAN_ABS),
    MAX_REL(MetricField.MAX_REL),
    RMSE(MetricField.RMSE),
    COSINE(MetricField.COSINE),
    SQNR_DB(MetricField.SQNR_DB),
    MISMATCHED(MetricField.MISMATCHED),
    MISMATCHED_FRACTION(MetricField.MISMATCHED_FRACTION),
    RTOL("rtol", DataTypes.DoubleType, l -> l.layer.tolerance() == null ? null : finite(l.layer.tolerance().rtol())),
    ATOL("atol", DataTypes.DoubleType, l -> l.layer.tolerance() == null ? null : finite(l.layer.tolerance().atol())),
    RELATIVE_ERROR("relative_error", DataTypes.DoubleType, l -> l.diagnosis == null ? null : finite(l.diagnosis.relativeError())),
    ROLE("role", DataTypes.StringType, l -> l.diagnosis == null ? null : l.diagnosis.role().jsonName()),
    FIRST_DIVERGENCE("first_divergence", DataTypes.BooleanType, l -> l.firstDivergence),
    INTRODUCED("introduced", DataTypes.BooleanType, l -> l.group != null && l.layer.name().equals(l.group.introducedAt()));

    /** One layer of one pair's report, with what the report and its diagnosis say about it. */
    record Layer(LayerReport layer, LayerDiagnosis diagnosis, GroupDiagnosis group, boolean firstDivergence) {}

    final String column;
    final DataType type;
    private final Function<Layer, Object> value;

    LayerColumn(String column, DataType type, Function<Layer, Object> value) {
        this.column = column;
        this.type = type;
        this.value = value;
    }

    /** A metric as the reports describe it: a count as a long, a real number as a double (null where undefined). */
    LayerColumn(MetricField metric) {
        this(metric.jsonName(), metric.isCount() ? DataTypes.LongType : DataTypes.DoubleType, l -> {
            if (l.layer.metrics() == null) return null;
            double v = metric.value(l.layer);
            return metric.isCount() ? (Object) (long) v : finite(v);
        });
    }

    /** A row's values in column order (String, Integer, Long, Double, Boolean or null: all serializable). */
    static Object[] row(Layer layer) {
        LayerColumn[] columns = values();
        Object[] row = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) row[i] = columns[i].value.apply(layer);
        return row;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String dtype(DType d) {
        return d == null ? null : d.displayName();
    }
}
