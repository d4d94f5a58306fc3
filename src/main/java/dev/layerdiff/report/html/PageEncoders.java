package dev.layerdiff.report.html;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.report.DiffColormap;
import dev.layerdiff.report.MetricField;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.tensor.Shapes;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.function.Function;

/**
 * How the page's data encodes values (PageData holds its schema): numbers to {@value #DIGITS} significant
 * digits (what the page shows), non-finite ones null; shapes, statistics, histograms, slices and the
 * colour table as compact arrays; text escaped so that it cannot close the script element it sits in.
 */
final class PageEncoders {
    static final int DIGITS = 5;
    private static final MathContext ROUND = new MathContext(DIGITS);

    private PageEncoders() {}

    /** [max_abs, max_abs position, mean_abs, max_rel, rmse, cosine, sqnr_db, mismatched, finite pairs], or null. */
    static void metrics(JsonGenerator g, LayerReport l) throws IOException {
        DiffMetrics m = l.metrics();
        if (m == null) {
            g.writeNull();
            return;
        }
        // In the order metricFields() names (the script reads them by name): the metrics the JSON report
        // writes, the position of max_abs in place of its flat index, and "inf" for the SQNR of equal data.
        g.writeStartArray();
        for (MetricField f : MetricField.values()) {
            double v = f.value(l);
            if (f == MetricField.MAX_ABS_INDEX) shape(g, m.maxAbsIndex() < 0 ? null : Shapes.unravel(m.maxAbsIndex(), l.referenceShape()));
            else if (f.isCount()) g.writeNumber((long) v);
            else if (f == MetricField.SQNR_DB && v == Double.POSITIVE_INFINITY) g.writeString("inf");
            else number(g, v);
        }
        g.writeEndArray();
    }

    /** The names of a layer's metrics array, in its order. */
    static void metricFields(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("metricFields");
        for (MetricField f : MetricField.values()) g.writeString(f == MetricField.MAX_ABS_INDEX ? "max_abs_position" : f.jsonName());
        g.writeEndArray();
    }

    /** [count, finite, nan, +inf, -inf, min, max, mean, std, zero fraction], or null. */
    static void stats(JsonGenerator g, SideStats s) throws IOException {
        if (s == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        g.writeNumber(s.count());
        g.writeNumber(s.finite());
        g.writeNumber(s.nan());
        g.writeNumber(s.posInf());
        g.writeNumber(s.negInf());
        number(g, s.min());
        number(g, s.max());
        number(g, s.mean());
        number(g, s.std());
        number(g, s.zeroFraction());
        g.writeEndArray();
    }

    /**
     * [lowest exponent, negative counts, positive counts, zero, nan, +inf, -inf] over the non-empty range of
     * exponents: {@code negative[i]} counts values in -[2^(lowest+i), 2^(lowest+i+1)); null if absent.
     */
    static void histogram(JsonGenerator g, Histogram h) throws IOException {
        if (h == null) {
            g.writeNull();
            return;
        }
        int lo = Histogram.BINS, hi = -1;
        for (int i = 0; i < Histogram.BINS; i++) {
            if (h.negative(i) != 0 || h.positive(i) != 0) {
                lo = Math.min(lo, i);
                hi = i;
            }
        }
        g.writeStartArray();
        g.writeNumber(hi < 0 ? 0 : lo + Histogram.MIN_EXPONENT);
        g.writeStartArray();
        for (int i = lo; i <= hi; i++) g.writeNumber(h.negative(i));
        g.writeEndArray();
        g.writeStartArray();
        for (int i = lo; i <= hi; i++) g.writeNumber(h.positive(i));
        g.writeEndArray();
        g.writeNumber(h.zero());
        g.writeNumber(h.nan());
        g.writeNumber(h.posInf());
        g.writeNumber(h.negInf());
        g.writeEndArray();
    }

    /** [dim, relative error per index, mismatched per index]. */
    static void slices(JsonGenerator g, SliceStats s) throws IOException {
        g.writeStartArray();
        g.writeNumber(s.dim());
        g.writeStartArray();
        for (int i = 0; i < s.size(); i++) number(g, s.relativeError(i));
        g.writeEndArray();
        g.writeStartArray();
        for (long m : s.mismatched()) g.writeNumber(m);
        g.writeEndArray();
        g.writeEndArray();
    }

    /** The colour map's table and its special colours, so the page colours images as the PNGs are coloured. */
    static void writeColours(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("colours");
        g.writeNumberField("levels", PageImage.LEVELS);
        g.writeNumberField("nonFiniteLevel", PageImage.NON_FINITE);
        g.writeNumberField("paddingLevel", PageImage.PADDING);
        g.writeStringField("nonFinite", hex(DiffColormap.NON_FINITE));
        g.writeStringField("padding", hex(DiffColormap.PADDING));
        g.writeArrayFieldStart("map");
        for (int i = 0; i < 256; i++) g.writeString(hex(DiffColormap.colour(i / 255.0)));
        g.writeEndArray();
        g.writeEndObject();
    }

    static <T> void names(JsonGenerator g, String field, T[] values, Function<T, String> name) throws IOException {
        g.writeFieldName(field);
        names(g, values, name);
    }

    static <T> void names(JsonGenerator g, T[] values, Function<T, String> name) throws IOException {
        g.writeStartArray();
        for (T v : values) g.writeString(name.apply(v));
        g.writeEndArray();
    }

    static void ordinal(JsonGenerator g, Enum<?> e) throws IOException {
        if (e == null) g.writeNull();
        else g.writeNumber(e.ordinal());
    }

    static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        if (values == null) {
            g.writeNullField(field);
            return;
        }
        g.writeArrayFieldStart(field);
        for (String v : values) g.writeString(v);
        g.writeEndArray();
    }

    static void shape(JsonGenerator g, String field, long[] shape) throws IOException {
        g.writeFieldName(field);
        shape(g, shape);
    }

    static void shape(JsonGenerator g, long[] shape) throws IOException {
        if (shape == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (long d : shape) g.writeNumber(d);
        g.writeEndArray();
    }

    static void number(JsonGenerator g, String field, double v) throws IOException {
        g.writeFieldName(field);
        number(g, v);
    }

    static void number(JsonGenerator g, double v) throws IOException {
        if (!Double.isFinite(v)) g.writeNull();
        else if (v == 0) g.writeNumber(0);
        else g.writeNumber(new BigDecimal(v).round(ROUND).stripTrailingZeros().toString());
    }

    static String hex(int rgba) { return String.format("#%06x", rgba >>> 8); }

    /** Escapes what could end the script element the data sits in, or open a comment or entity there. */
    static final class ScriptSafe extends CharacterEscapes {
        private final int[] escapes = CharacterEscapes.standardAsciiEscapesForJSON();

        ScriptSafe() {
            escapes['<'] = CharacterEscapes.ESCAPE_STANDARD;
            escapes['>'] = CharacterEscapes.ESCAPE_STANDARD;
            escapes['&'] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() { return escapes; }

        @Override
        public SerializableString getEscapeSequence(int ch) { return null; }
    }
}
