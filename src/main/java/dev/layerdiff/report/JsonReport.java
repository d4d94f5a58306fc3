package dev.layerdiff.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.layerdiff.Version;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.diagnosis.Finding;
import dev.layerdiff.diagnosis.GroupDiagnosis;
import dev.layerdiff.diagnosis.LayerDiagnosis;
import dev.layerdiff.diagnosis.Localized;
import dev.layerdiff.diagnosis.Suspect;
import dev.layerdiff.io.AtomicFiles;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.compare.Group;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.ErrorEstimate;
import dev.layerdiff.compare.Status;
import dev.layerdiff.stats.TensorSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes reports as JSON with snake_case keys (the schema is in README.md). Non-finite numbers
 * (an infinite SQNR of identical tensors, statistics of a tensor with no finite value) are written as
 * null, because JSON has no representation for them; a layer whose finite values differ by more than a
 * double holds says {@code "overflow": true}, so that null metrics with {@code finite_pairs > 0} are not
 * mistaken for "no finite pair".
 */
public final class JsonReport {
    /** Doubles written by Schubfach (the shortest text that reads back as the same double), not by Double.toString. */
    private static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private JsonReport() {}

    /** Writes a comparison report to {@code file} atomically. */
    public static void write(Report report, Path file) throws IOException {
        write(report, null, file);
    }

    /** Writes a comparison report and its diagnosis (null: none) to {@code file} atomically. */
    public static void write(Report report, Diagnosis diagnosis, Path file) throws IOException {
        AtomicFiles.write(file, out -> write(report, diagnosis, out));
    }

    /** Writes a comparison report to a stream. */
    public static void write(Report report, OutputStream out) throws IOException {
        write(report, null, out);
    }

    /** Writes a comparison report and its diagnosis (null: none) to a stream. */
    public static void write(Report report, Diagnosis diagnosis, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(new JsonLayout());
            g.writeStartObject();
            g.writeStringField("layerdiff_version", Version.get());
            g.writeStringField("reference", report.reference());
            g.writeStringField("candidate", report.candidate());
            g.writeStringField("backend", report.backend());
            g.writeStringField("verdict", report.passed() ? "ok" : "diverged");
            g.writeNumberField("exit_code", report.exitCode());
            g.writeBooleanField("unpaired_allowed", report.unpairedAllowed());
            g.writeObjectFieldStart("summary");
            g.writeNumberField("layers", report.layers().size());
            for (Status s : Status.values()) g.writeNumberField(s.jsonName(), report.count(s));
            g.writeEndObject();
            g.writeObjectFieldStart("first_divergence");
            for (Map.Entry<Group, LayerReport> e : report.firstDivergence().entrySet()) {
                g.writeStringField(e.getKey().jsonName(), e.getValue() == null ? null : e.getValue().name());
            }
            g.writeEndObject();
            if (diagnosis != null) writeDiagnosis(g, diagnosis);
            g.writeArrayFieldStart("layers");
            for (LayerReport l : report.layers()) {
                writeLayer(g, l, diagnosis == null ? null : diagnosis.layers().get(l.name()));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** Writes the {@code stats} command's report to {@code file} atomically. */
    public static void writeStats(String archive, String backend, List<TensorEntry> tensors,
                                  List<TensorSummary> summaries, Path file) throws IOException {
        AtomicFiles.write(file, out -> writeStats(archive, backend, tensors, summaries, out));
    }

    /** Writes the {@code stats} command's report to a stream. */
    public static void writeStats(String archive, String backend, List<TensorEntry> tensors,
                                  List<TensorSummary> summaries, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(new JsonLayout());
            g.writeStartObject();
            g.writeStringField("layerdiff_version", Version.get());
            g.writeStringField("archive", archive);
            g.writeStringField("backend", backend);
            g.writeArrayFieldStart("tensors");
            for (int i = 0; i < tensors.size(); i++) {
                TensorEntry t = tensors.get(i);
                SideStats s = summaries.get(i).stats();
                g.writeStartObject();
                g.writeStringField("name", t.name());
                g.writeStringField("group", Group.of(t.name()).jsonName());
                g.writeNumberField("order", t.order());
                g.writeStringField("dtype", t.dtype().displayName());
                writeShape(g, "shape", t.shape());
                g.writeNumberField("numel", t.numel());
                g.writeNumberField("nan", s.nan());
                g.writeNumberField("inf", s.inf());
                writeStats(g, "stats", s);
                g.writeFieldName("histogram");
                writeHistogram(g, summaries.get(i).histogram());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** A suspect's fields, as the JSON report and the HTML page's data both write them. */
    public static void writeSuspect(JsonGenerator g, Suspect s) throws IOException {
        g.writeStringField("name", s.name());
        number(g, "score", s.score());
        g.writeStringField("reason", s.reason());
    }

    private static void writeDiagnosis(JsonGenerator g, Diagnosis d) throws IOException {
        g.writeObjectFieldStart("diagnosis");
        for (Group group : Group.values()) {
            GroupDiagnosis gd = d.groups().get(group);
            if (gd == null) {
                g.writeNullField(group.jsonName());
                continue;
            }
            g.writeObjectFieldStart(group.jsonName());
            g.writeStringField("verdict", gd.verdict().jsonName());
            g.writeStringField("introduced_at", gd.introducedAt());
            number(g, "noise_floor", gd.noiseFloor());
            g.writeArrayFieldStart("suspects");
            for (Suspect s : gd.suspects()) {
                g.writeStartObject();
                writeSuspect(g, s);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeStringField("noise_floor_source", d.source());
        if (!d.health().isEmpty()) {
            g.writeObjectFieldStart("health");
            String[] sides = {"reference", "candidate"};
            for (int i = 0; i < d.health().size(); i++) {
                g.writeObjectFieldStart(sides[i]);
                g.writeStringField("archive", d.health().get(i).archive());
                g.writeArrayFieldStart("findings");
                for (Finding f : d.health().get(i).findings()) HealthJson.writeFinding(g, f);
                g.writeEndArray();
                g.writeNumberField("unread", d.health().get(i).unread());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeArrayFieldStart("notes");
        for (String n : d.notes()) g.writeString(n);
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeLayerDiagnosis(JsonGenerator g, LayerDiagnosis d, boolean estimated) throws IOException {
        number(g, "relative_error", d.relativeError());
        number(g, "noise_floor", d.noiseFloor());
        number(g, "error_units", d.units());
        number(g, "introduced_score", d.score());
        g.writeStringField("role", d.role().jsonName());
        if (d.slices().isEmpty()) {
            g.writeNullField("slices");
        } else {
            g.writeObjectFieldStart("slices");
            for (SliceStats s : d.slices()) {
                g.writeArrayFieldStart("dim" + s.dim());
                for (int i = 0; i < s.size(); i++) {
                    g.writeStartObject();
                    g.writeNumberField("index", i);
                    number(g, "relative_error", s.relativeError(i));
                    if (estimated) {
                        // From the slices' sketches: the error is estimated, the counts are not known.
                        for (String f : new String[] {"mismatched", "gross", "zero_flips", "nonfinite"}) g.writeNullField(f);
                    } else {
                        g.writeNumberField("mismatched", s.mismatched()[i]);
                        g.writeNumberField("gross", s.gross()[i]);
                        g.writeNumberField("zero_flips", s.flips()[i]);
                        g.writeNumberField("nonfinite", s.nonfinite()[i]);
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        Localized where = d.localized();
        if (where == null) {
            g.writeNullField("localized");
        } else {
            g.writeObjectFieldStart("localized");
            g.writeNumberField("dim", where.dim());
            g.writeArrayFieldStart("indices");
            for (int i : where.indices()) g.writeNumber(i);
            g.writeEndArray();
            g.writeStringField("description", where.describe());
            g.writeEndObject();
        }
    }

    private static void writeLayer(JsonGenerator g, LayerReport l, LayerDiagnosis d) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", l.name());
        if (l.candidateName() != null && !l.candidateName().equals(l.name())) {
            g.writeStringField("candidate_name", l.candidateName());
        }
        if (l.pairedBy() != null) g.writeStringField("paired_by", l.pairedBy().jsonName());
        g.writeStringField("group", l.group().jsonName());
        g.writeNumberField("order", l.order());
        g.writeStringField("status", l.status().jsonName());
        g.writeObjectFieldStart("shape");
        writeShape(g, "reference", l.referenceShape());
        writeShape(g, "candidate", l.candidateShape());
        g.writeEndObject();
        g.writeObjectFieldStart("dtype");
        g.writeStringField("reference", name(l.referenceDtype()));
        g.writeStringField("candidate", name(l.candidateDtype()));
        g.writeEndObject();
        g.writeNumberField("numel", l.numel());
        DiffMetrics m = l.metrics();
        if (m != null) {
            // Without a finite pair the statistics of the difference are undefined (null), not 0; from a
            // summary, what a sketch cannot tell (max_abs, its index, mean_abs, max_rel, the elements off) is null.
            boolean estimated = l.estimate() != null && !l.estimate().identical();
            for (MetricField f : MetricField.values()) {
                if (estimated && (f == MetricField.MISMATCHED || f == MetricField.MAX_ABS_INDEX)) g.writeNullField(f.jsonName());
                else if (f.isCount()) g.writeNumberField(f.jsonName(), (long) f.value(l));
                else number(g, f.jsonName(), f.value(l));
                if (f == MetricField.MAX_ABS_INDEX && m.maxAbsIndex() >= 0) {
                    writeShape(g, "max_abs_position", Shapes.unravel(m.maxAbsIndex(), l.referenceShape()));
                }
            }
            // null means "undefined" (no finite pair); a difference of finite values too large for a
            // double is a result, and says so.
            if (m.finitePairs() > 0 && !estimated && !(Double.isFinite(m.maxAbs()) && Double.isFinite(m.rmse()))) {
                g.writeBooleanField("overflow", true);
            }
        }
        if (l.estimate() != null) {
            ErrorEstimate e = l.estimate();
            g.writeObjectFieldStart("estimated");
            g.writeBooleanField("identical", e.identical());
            number(g, "relative_error", e.relativeError());
            number(g, "relative_error_low", e.relativeErrorLow());
            number(g, "relative_error_high", e.relativeErrorHigh());
            number(g, "cosine", e.cosine());
            number(g, "cosine_uncertainty", e.cosineUncertainty());
            g.writeEndObject();
        }
        if (d != null) writeLayerDiagnosis(g, d, l.estimate() != null);
        if (l.tolerance() != null) {
            number(g, "rtol", l.tolerance().rtol());
            number(g, "atol", l.tolerance().atol());
        }
        SideStats rs = l.referenceStats(), cs = l.candidateStats(); // decoded once: they are packed
        g.writeObjectFieldStart("nan");
        count(g, "reference", rs, SideStats::nan);
        count(g, "candidate", cs, SideStats::nan);
        g.writeEndObject();
        g.writeObjectFieldStart("inf");
        count(g, "reference", rs, SideStats::inf);
        count(g, "candidate", cs, SideStats::inf);
        g.writeEndObject();
        writeStats(g, "reference_stats", rs);
        writeStats(g, "candidate_stats", cs);
        g.writeObjectFieldStart("histograms");
        Histogram rh = l.referenceHistogram(), ch = l.candidateHistogram(), dh = l.diffHistogram();
        if (rh != null) { g.writeFieldName("reference"); writeHistogram(g, rh); }
        if (ch != null) { g.writeFieldName("candidate"); writeHistogram(g, ch); }
        if (dh != null) { g.writeFieldName("abs_diff"); writeHistogram(g, dh); }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeStats(JsonGenerator g, String field, SideStats s) throws IOException {
        if (s == null) {
            g.writeNullField(field);
            return;
        }
        g.writeObjectFieldStart(field);
        number(g, "min", s.min());
        number(g, "max", s.max());
        number(g, "mean", s.mean());
        number(g, "std", s.std());
        number(g, "zero_fraction", s.zeroFraction());
        g.writeEndObject();
    }

    /**
     * Bins from the lowest to the highest non-empty exponent: {@code negative[i]} and {@code positive[i]}
     * count values with magnitude in [2^(min_exponent+i), 2^(min_exponent+i+1)).
     */
    private static void writeHistogram(JsonGenerator g, Histogram h) throws IOException {
        int hi = h.highestBin();
        int lo = hi < 0 ? 0 : h.lowestBin();
        g.writeStartObject();
        g.writeNumberField("min_exponent", hi < 0 ? 0 : lo + Histogram.MIN_EXPONENT);
        g.writeArrayFieldStart("negative");
        for (int i = lo; i <= hi; i++) g.writeNumber(h.negative(i));
        g.writeEndArray();
        g.writeArrayFieldStart("positive");
        for (int i = lo; i <= hi; i++) g.writeNumber(h.positive(i));
        g.writeEndArray();
        g.writeNumberField("zero", h.zero());
        g.writeNumberField("nan", h.nan());
        g.writeNumberField("pos_inf", h.posInf());
        g.writeNumberField("neg_inf", h.negInf());
        g.writeEndObject();
    }

    private static void writeShape(JsonGenerator g, String field, long[] shape) throws IOException {
        if (shape == null) {
            g.writeNullField(field);
            return;
        }
        g.writeArrayFieldStart(field);
        for (long d : shape) g.writeNumber(d);
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isFinite(v)) g.writeNumberField(field, v);
        else g.writeNullField(field);
    }

    private static void count(JsonGenerator g, String field, SideStats s, java.util.function.ToLongFunction<SideStats> f)
            throws IOException {
        if (s == null) g.writeNullField(field);
        else g.writeNumberField(field, f.applyAsLong(s));
    }

    private static String name(DType d) { return d == null ? null : d.displayName(); }
}
