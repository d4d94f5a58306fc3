package dev.layerdiff.stats;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Both sides' statistics and the three histograms of every layer of a comparison, packed off the heap.
 * As objects they take about 570 bytes per layer of four elements (two {@link SideStats}, three
 * {@link Histogram}s and their arrays), a kilobyte and a half for a layer of real activations; packed
 * (counts as variable-length integers, doubles as their 8 bytes, histograms from their lowest to their
 * highest non-empty bin) they take about 150 bytes, none of them on the heap, so that a dump of a
 * million tensors is compared within a heap of a gigabyte. A {@link LayerStats} handle decodes them
 * when asked. Appends may come from many threads; the arena's memory is freed with the arena.
 */
public final class StatsArena {
    /** Chunks grow from {@value #FIRST_CHUNK} bytes (a small comparison holds little) to {@value #LAST_CHUNK}. */
    private static final int FIRST_CHUNK = 1 << 12, LAST_CHUNK = 1 << 20;
    /** The most a record can take: two sides, and three histograms of every bin at 10 bytes a count. */
    private static final int MAX_RECORD = 1 + 2 * (5 * 10 + 5 * 8) + 3 * (2 + (4 + 2 * Histogram.BINS) * 10);

    private static final int REFERENCE_STATS = 1, CANDIDATE_STATS = 2, REFERENCE_HISTOGRAM = 4, CANDIDATE_HISTOGRAM = 8,
            DIFF_HISTOGRAM = 16;

    private final CopyOnWriteArrayList<ByteBuffer> chunks = new CopyOnWriteArrayList<>();
    private ByteBuffer current;
    private final ThreadLocal<ByteBuffer> scratch =
            ThreadLocal.withInitial(() -> ByteBuffer.allocate(MAX_RECORD).order(ByteOrder.LITTLE_ENDIAN));

    /** Packs one layer's statistics (any of them null when absent) and returns its handle. */
    public LayerStats put(SideStats reference, SideStats candidate, Histogram referenceHistogram,
                          Histogram candidateHistogram, Histogram diffHistogram) {
        ByteBuffer b = scratch.get().clear();
        int flags = (reference != null ? REFERENCE_STATS : 0) | (candidate != null ? CANDIDATE_STATS : 0)
                | (referenceHistogram != null ? REFERENCE_HISTOGRAM : 0) | (candidateHistogram != null ? CANDIDATE_HISTOGRAM : 0)
                | (diffHistogram != null ? DIFF_HISTOGRAM : 0);
        b.put((byte) flags);
        if (reference != null) put(b, reference);
        if (candidate != null) put(b, candidate);
        for (Histogram h : new Histogram[] {referenceHistogram, candidateHistogram, diffHistogram}) if (h != null) put(b, h);
        b.flip();
        return new LayerStats(this, append(b));
    }

    /** Packs the statistics of the two sides of an element-wise comparison. */
    public LayerStats put(PairResult r) {
        return put(r.referenceStats(), r.candidateStats(), r.referenceHistogram(), r.candidateHistogram(), r.diffHistogram());
    }

    /** Packs one side's statistics, the other side absent. */
    public LayerStats put(TensorSummary reference, TensorSummary candidate) {
        return put(reference == null ? null : reference.stats(), candidate == null ? null : candidate.stats(),
                reference == null ? null : reference.histogram(), candidate == null ? null : candidate.histogram(), null);
    }

    private synchronized long append(ByteBuffer record) {
        if (current == null || current.remaining() < record.remaining()) {
            int size = current == null ? FIRST_CHUNK : Math.min(2 * current.capacity(), LAST_CHUNK);
            current = ByteBuffer.allocateDirect(Math.max(size, record.remaining())).order(ByteOrder.LITTLE_ENDIAN);
            chunks.add(current);
        }
        // A handle: the chunk's index, then the offset in it.
        long at = (long) (chunks.size() - 1) << 32 | current.position();
        current.put(record);
        return at;
    }

    boolean has(long at, boolean reference) {
        return (new Reader(at).flags & (reference ? REFERENCE_STATS : CANDIDATE_STATS)) != 0;
    }

    SideStats referenceStats(long at) { return sideStats(at, REFERENCE_STATS); }

    SideStats candidateStats(long at) { return sideStats(at, CANDIDATE_STATS); }

    Histogram referenceHistogram(long at) { return histogram(at, REFERENCE_HISTOGRAM); }

    Histogram candidateHistogram(long at) { return histogram(at, CANDIDATE_HISTOGRAM); }

    Histogram diffHistogram(long at) { return histogram(at, DIFF_HISTOGRAM); }

    private SideStats sideStats(long at, int field) {
        Reader r = new Reader(at);
        return r.skipTo(field) ? r.sideStats() : null;
    }

    private Histogram histogram(long at, int field) {
        Reader r = new Reader(at);
        return r.skipTo(field) ? r.histogram() : null;
    }

    private static void put(ByteBuffer b, SideStats s) {
        varlong(b, s.count());
        varlong(b, s.finite());
        varlong(b, s.nan());
        varlong(b, s.posInf());
        varlong(b, s.negInf());
        b.putDouble(s.min()).putDouble(s.max()).putDouble(s.mean()).putDouble(s.std()).putDouble(s.zeroFraction());
    }

    private static void put(ByteBuffer b, Histogram h) {
        int hi = h.highestBin(), lo = hi < 0 ? 0 : h.lowestBin();
        b.put((byte) lo).put((byte) (hi + 1 - lo));
        for (int i = lo; i <= hi; i++) varlong(b, h.negative(i));
        for (int i = lo; i <= hi; i++) varlong(b, h.positive(i));
        varlong(b, h.zero());
        varlong(b, h.nan());
        varlong(b, h.posInf());
        varlong(b, h.negInf());
    }

    /** LEB128: seven bits a byte, low first (counts are never negative). */
    private static void varlong(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    /** Decodes one record from its start, a field at a time. */
    private final class Reader {
        private final ByteBuffer chunk;
        private final int flags;
        private int at;

        Reader(long handle) {
            chunk = chunks.get((int) (handle >>> 32));
            at = (int) handle;
            flags = chunk.get(at++);
        }

        /** Positions at the field {@code field} (a flag) and returns true, or false if it is absent. */
        boolean skipTo(int field) {
            if ((flags & field) == 0) return false;
            for (int f = 1; f < field; f <<= 1) {
                if ((flags & f) == 0) continue;
                if (f <= CANDIDATE_STATS) {
                    for (int i = 0; i < 5; i++) varlong();
                    at += 5 * 8;
                } else {
                    at++;
                    int span = chunk.get(at++) & 0xFF;
                    for (int i = 0; i < 2 * span + 4; i++) varlong();
                }
            }
            return true;
        }

        SideStats sideStats() {
            long count = varlong(), finite = varlong(), nan = varlong(), posInf = varlong(), negInf = varlong();
            double min = chunk.getDouble(at), max = chunk.getDouble(at + 8), mean = chunk.getDouble(at + 16),
                    std = chunk.getDouble(at + 24), zeroFraction = chunk.getDouble(at + 32);
            at += 40;
            return new SideStats(count, finite, nan, posInf, negInf, min, max, mean, std, zeroFraction);
        }

        Histogram histogram() {
            int lo = chunk.get(at++) & 0xFF, span = chunk.get(at++) & 0xFF;
            long[] negative = new long[span], positive = new long[span];
            for (int i = 0; i < span; i++) negative[i] = varlong();
            for (int i = 0; i < span; i++) positive[i] = varlong();
            return Histogram.ofSpan(lo, negative, positive, varlong(), varlong(), varlong(), varlong());
        }

        private long varlong() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = chunk.get(at++);
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) return v;
            }
        }
    }
}
