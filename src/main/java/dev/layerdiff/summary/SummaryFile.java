package dev.layerdiff.summary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.safetensors.SafetensorsWriter;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.TensorDigest;
import dev.layerdiff.stats.TensorSketch;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A layerdiff summary on disk: a safetensors file (any safetensors reader opens it) whose
 * {@code __metadata__} says {@code "layerdiff": "summary 1"} and lists the summarised tensors
 * ({@code "tensors"}: name, dtype, shape, in the dump's order; {@code "buckets"}: the sketches' most
 * buckets; {@code "source"}: the dump), and whose tensors are columns with a row per summarised tensor:
 * {@code stats} F64 [T, 10] (count, finite, nan, +inf, -inf, min, max, mean, std, zero fraction),
 * {@code hash} I64 [T], {@code sketch} F64 with {@code sketch_offsets} I64 [T + 1], {@code slices} F64
 * with {@code slice_offsets} I64 [T + 1] and {@code slice_layout} I64 [T, 4] (dim 0's slices and
 * buckets, dim 1's; zeros where none), {@code histogram} I64 with {@code histogram_offsets} I64 [T + 1]
 * (per tensor: lowest bin, span, the negative then the positive counts of the span, zeros, NaN, +Inf,
 * -Inf). Everything a comparison needs of a tensor whose values were not kept ({@link TensorSketch}).
 */
public final class SummaryFile {
    /** The {@code __metadata__} key and value that mark a summary. */
    public static final String MARK_KEY = "layerdiff", MARK = "summary 1";
    private static final int STATS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One summarised tensor. */
    public record Entry(String name, DType dtype, long[] shape, TensorDigest digest) {}

    private SummaryFile() {}

    /** Whether {@code archive} is a summary (else a dump of tensors). */
    public static boolean isSummary(Archive archive) {
        return MARK.equals(archive.metadata().get(MARK_KEY));
    }

    /** Writes the summary of {@code tensors} (their digests in the same order) to {@code file}, atomically. */
    public static void write(Path file, String source, int buckets, List<TensorEntry> tensors, List<TensorDigest> digests)
            throws IOException {
        int t = tensors.size();
        ArrayNode listed = JSON.createArrayNode();
        ByteBuffer stats = le(t * STATS * 8L), hash = le(t * 8L), layout = le(t * 4 * 8L);
        ByteBuffer sketchOffsets = le((t + 1) * 8L), sliceOffsets = le((t + 1) * 8L), histogramOffsets = le((t + 1) * 8L);
        long sketches = 0, slices = 0, histograms = 0;
        for (int i = 0; i < t; i++) {
            TensorSketch s = digests.get(i).sketch();
            sketches += s.buckets().length;
            slices += length(s.dim0()) + length(s.dim1());
            Histogram h = digests.get(i).histogram();
            histograms += 6 + 2L * span(h);
        }
        ByteBuffer sketch = le(sketches * 8), slice = le(slices * 8), histogram = le(histograms * 8);
        for (int i = 0; i < t; i++) {
            TensorEntry e = tensors.get(i);
            ObjectNode row = listed.addObject().put("name", e.name()).put("dtype", e.dtype().displayName());
            ArrayNode shape = row.putArray("shape");
            for (long d : e.shape()) shape.add(d);
            TensorDigest d = digests.get(i);
            SideStats s = d.stats();
            stats.putDouble(s.count()).putDouble(s.finite()).putDouble(s.nan()).putDouble(s.posInf()).putDouble(s.negInf())
                    .putDouble(s.min()).putDouble(s.max()).putDouble(s.mean()).putDouble(s.std()).putDouble(s.zeroFraction());
            hash.putLong(d.sketch().hash());
            sketchOffsets.putLong((long) sketch.position() / 8);
            for (double v : d.sketch().buckets()) sketch.putDouble(v);
            sliceOffsets.putLong((long) slice.position() / 8);
            for (TensorSketch.Slices sl : new TensorSketch.Slices[] {d.sketch().dim0(), d.sketch().dim1()}) {
                layout.putLong(sl == null ? 0 : sl.count()).putLong(sl == null ? 0 : sl.buckets());
                if (sl != null) for (double v : sl.values()) slice.putDouble(v);
            }
            histogramOffsets.putLong((long) histogram.position() / 8);
            put(histogram, d.histogram());
        }
        sketchOffsets.putLong(sketches);
        sliceOffsets.putLong(slices);
        histogramOffsets.putLong(histograms);
        new SafetensorsWriter()
                .metadata(MARK_KEY, MARK).metadata("source", source).metadata("buckets", Integer.toString(buckets))
                .metadata("tensors", listed.toString())
                .add("stats", DType.FLOAT64, new long[] {t, STATS}, stats.array())
                .add("hash", DType.INT64, new long[] {t}, hash.array())
                .add("sketch", DType.FLOAT64, new long[] {sketches}, sketch.array())
                .add("sketch_offsets", DType.INT64, new long[] {t + 1}, sketchOffsets.array())
                .add("slices", DType.FLOAT64, new long[] {slices}, slice.array())
                .add("slice_offsets", DType.INT64, new long[] {t + 1}, sliceOffsets.array())
                .add("slice_layout", DType.INT64, new long[] {t, 4}, layout.array())
                .add("histogram", DType.INT64, new long[] {histograms}, histogram.array())
                .add("histogram_offsets", DType.INT64, new long[] {t + 1}, histogramOffsets.array())
                .write(file);
    }

    /**
     * Reads a summary opened as an archive.
     *
     * @throws ArchiveException naming the file, if it is not a summary or its columns do not fit together
     */
    public static List<Entry> read(Archive archive) throws IOException {
        String file = archive.path().toString();
        if (!isSummary(archive)) throw new ArchiveException(file, "not a layerdiff summary (no __metadata__ \"layerdiff\": \"summary 1\")");
        Map<String, TensorEntry> columns = new HashMap<>();
        for (TensorEntry e : archive.tensors()) columns.put(e.name(), e);
        JsonNode listed;
        try {
            listed = JSON.readTree(archive.metadata().getOrDefault("tensors", ""));
        } catch (IOException e) {
            throw new ArchiveException(file, "summary: __metadata__ \"tensors\" is not JSON");
        }
        if (listed == null || !listed.isArray()) throw new ArchiveException(file, "summary: __metadata__ \"tensors\" is not a list");
        int t = listed.size();
        double[] stats = doubles(column(columns, "stats", DType.FLOAT64, (long) t * STATS, file));
        long[] hash = longs(column(columns, "hash", DType.INT64, t, file));
        long[] sketchOffsets = offsets(columns, "sketch_offsets", "sketch", t, file);
        long[] sliceOffsets = offsets(columns, "slice_offsets", "slices", t, file);
        long[] histogramOffsets = offsets(columns, "histogram_offsets", "histogram", t, file);
        long[] layout = longs(column(columns, "slice_layout", DType.INT64, (long) t * 4, file));
        double[] sketch = doubles(columns.get("sketch")), slices = doubles(columns.get("slices"));
        long[] histograms = longs(columns.get("histogram"));
        List<Entry> entries = new ArrayList<>(t);
        for (int i = 0; i < t; i++) {
            JsonNode row = listed.get(i);
            String name = row.path("name").asText(null);
            DType dtype = DType.byDisplayName(row.path("dtype").asText(""));
            if (name == null || dtype == null || !row.path("shape").isArray()) {
                throw new ArchiveException(file, "summary: tensor " + i + " lacks a name, a known dtype or a shape");
            }
            long[] shape = new long[row.path("shape").size()];
            for (int d = 0; d < shape.length; d++) shape[d] = row.path("shape").get(d).asLong(-1);
            int o = i * STATS;
            SideStats s = new SideStats((long) stats[o], (long) stats[o + 1], (long) stats[o + 2], (long) stats[o + 3],
                    (long) stats[o + 4], stats[o + 5], stats[o + 6], stats[o + 7], stats[o + 8], stats[o + 9]);
            double[] buckets = java.util.Arrays.copyOfRange(sketch, (int) sketchOffsets[i], (int) sketchOffsets[i + 1]);
            int at = (int) sliceOffsets[i];
            TensorSketch.Slices dim0 = null, dim1 = null;
            for (int dim = 0; dim < 2; dim++) {
                int count = (int) layout[4 * i + 2 * dim], ks = (int) layout[4 * i + 2 * dim + 1];
                if (count == 0) continue;
                if (at + (long) count * ks > sliceOffsets[i + 1]) throw new ArchiveException(file, "summary: slices of tensor " + name + " overrun");
                TensorSketch.Slices sl = new TensorSketch.Slices(dim, count, ks, java.util.Arrays.copyOfRange(slices, at, at + count * ks));
                at += count * ks;
                if (dim == 0) dim0 = sl;
                else dim1 = sl;
            }
            Histogram h = histogram(histograms, (int) histogramOffsets[i], (int) histogramOffsets[i + 1], file, name);
            entries.add(new Entry(name, dtype, shape, new TensorDigest(s, h, new TensorSketch(hash[i], buckets, dim0, dim1))));
        }
        return entries;
    }

    private static void put(ByteBuffer b, Histogram h) {
        int hi = h.highestBin(), lo = hi < 0 ? 0 : h.lowestBin(), span = span(h);
        b.putLong(lo).putLong(span);
        for (int i = lo; i < lo + span; i++) b.putLong(h.negative(i));
        for (int i = lo; i < lo + span; i++) b.putLong(h.positive(i));
        b.putLong(h.zero()).putLong(h.nan()).putLong(h.posInf()).putLong(h.negInf());
    }

    private static Histogram histogram(long[] v, int from, int to, String file, String name) throws ArchiveException {
        int span = to - from >= 2 ? (int) v[from + 1] : -1;
        int lo = to - from >= 2 ? (int) v[from] : -1;
        if (span < 0 || lo < 0 || lo + span > Histogram.BINS || to - from != 6 + 2 * span) {
            throw new ArchiveException(file, "summary: the histogram of " + name + " is malformed");
        }
        Histogram h = new Histogram();
        for (int i = 0; i < span; i++) {
            h.addNegative(lo + i, v[from + 2 + i]);
            h.addPositive(lo + i, v[from + 2 + span + i]);
        }
        int s = from + 2 + 2 * span;
        h.addSpecial(v[s], v[s + 1], v[s + 2], v[s + 3]);
        return h;
    }

    private static int span(Histogram h) {
        int hi = h.highestBin();
        return hi < 0 ? 0 : hi - h.lowestBin() + 1;
    }

    private static long length(TensorSketch.Slices s) {
        return s == null ? 0 : s.values().length;
    }

    private static ByteBuffer le(long bytes) {
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static TensorEntry column(Map<String, TensorEntry> columns, String name, DType dtype, long numel, String file)
            throws ArchiveException {
        TensorEntry e = columns.get(name);
        if (e == null || e.dtype() != dtype || e.numel() != numel) {
            throw new ArchiveException(file, "summary: column " + name + " is missing or not " + numel + " values of " + dtype.displayName());
        }
        return e;
    }

    private static long[] offsets(Map<String, TensorEntry> columns, String name, String of, int t, String file) throws IOException {
        long[] offsets = longs(column(columns, name, DType.INT64, t + 1L, file));
        TensorEntry data = columns.get(of);
        if (data == null) throw new ArchiveException(file, "summary: column " + of + " is missing");
        for (int i = 0; i <= t; i++) {
            if (offsets[i] < (i == 0 ? 0 : offsets[i - 1]) || offsets[i] > data.numel()) {
                throw new ArchiveException(file, "summary: " + name + " are not increasing offsets into " + of);
            }
        }
        if (offsets[t] != data.numel()) throw new ArchiveException(file, "summary: " + name + " do not end at the end of " + of);
        return offsets;
    }

    private static double[] doubles(TensorEntry e) throws IOException {
        ByteBuffer b = bytes(e);
        double[] out = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(out);
        return out;
    }

    private static long[] longs(TensorEntry e) throws IOException {
        ByteBuffer b = bytes(e);
        long[] out = new long[b.remaining() / 8];
        b.asLongBuffer().get(out);
        return out;
    }

    private static ByteBuffer bytes(TensorEntry e) throws IOException {
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(e.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        int step = 1 << 24;
        for (long at = 0; at < e.byteSize(); at += step) {
            int len = (int) Math.min(step, e.byteSize() - at);
            all.put(e.data().read(at, len).duplicate().order(ByteOrder.LITTLE_ENDIAN));
        }
        return all.flip();
    }
}
