package dev.layerdiff.engine;

import dev.layerdiff.stats.Histogram;
import java.nio.ByteBuffer;

/**
 * Reads the result struct that every native kernel (CPU and CUDA) writes, {@code ld_pair} of
 * {@code src/main/native/include/layerdiff_result.h}: every field 8 bytes, in native byte order, at the
 * fixed offsets below. Folding it into a partial is {@link PairPartial#merge}, so chunk results from any
 * backend combine the same way.
 */
public final class NativeResults {
    private NativeResults() {}

    /** Histogram codes per histogram. */
    public static final int CODES = BinCounts.CODES;
    /** Bytes of {@code ld_side}: 5 scalars and a histogram. */
    public static final int SIDE_BYTES = (5 + CODES) * 8;
    /** Offsets in {@code ld_pair}: the two sides, the |d| histogram, then 10 scalars. */
    public static final int REF = 0, CAND = SIDE_BYTES, DIFF = 2 * SIDE_BYTES, SCALARS = DIFF + CODES * 8;
    /** Offset of the histogram within an {@code ld_side}, after its 5 scalars. */
    public static final int SIDE_HISTOGRAM = 5 * 8;
    /** Bytes of {@code ld_pair}. */
    public static final int PAIR_BYTES = SCALARS + 10 * 8;

    /** Throws (a packaging bug) unless a native library's {@code sizeof(ld_pair)} is what this class reads. */
    public static void checkPairSize(long nativeBytes) {
        if (nativeBytes != PAIR_BYTES) {
            throw new IllegalStateException("packaging bug: native ld_pair is " + nativeBytes + " bytes, Java expects "
                    + PAIR_BYTES);
        }
    }

    /** Folds one result (of elements after those already in {@code acc}) into {@code acc}. */
    public static void foldPair(ByteBuffer o, PairPartial acc) {
        foldSide(o, REF, acc.ref);
        foldSide(o, CAND, acc.cand);
        foldHistogram(o, DIFF, acc.diffHistogram);
        acc.finitePairs += o.getLong(SCALARS);
        acc.mismatched += o.getLong(SCALARS + 8);
        long maxAbsIndex = o.getLong(SCALARS + 16);
        acc.sumAbs += o.getDouble(SCALARS + 24);
        acc.sumSq += o.getDouble(SCALARS + 32);
        acc.sumRR += o.getDouble(SCALARS + 40);
        acc.sumCC += o.getDouble(SCALARS + 48);
        acc.sumRC += o.getDouble(SCALARS + 56);
        double maxAbs = o.getDouble(SCALARS + 64);
        // Strictly greater: on a tie the earlier elements keep the first index.
        if (maxAbsIndex >= 0 && (acc.maxAbsIndex < 0 || maxAbs > acc.maxAbs)) {
            acc.maxAbs = maxAbs;
            acc.maxAbsIndex = maxAbsIndex;
        }
        acc.maxRel = Math.max(acc.maxRel, o.getDouble(SCALARS + 72));
    }

    /** Folds the side at byte offset {@code at} ({@link #REF} or {@link #CAND}) into {@code side}. */
    public static void foldSide(ByteBuffer o, int at, SidePartial side) {
        side.count += o.getLong(at);
        side.min = Math.min(side.min, o.getDouble(at + 8));
        side.max = Math.max(side.max, o.getDouble(at + 16));
        side.sum += o.getDouble(at + 24);
        side.sumSq += o.getDouble(at + 32);
        foldHistogram(o, at + SIDE_HISTOGRAM, side.histogram);
    }

    /** Sum of the counts of the histogram at byte offset {@code at} (an integrity check: it must be n). */
    public static long histogramTotal(ByteBuffer o, int at) {
        long total = 0;
        for (int c = 0; c < CODES; c++) total += o.getLong(at + 8 * c);
        return total;
    }

    /** Codes as in {@link BinCounts}: positive bins, negative bins, zero, NaN, +Inf, -Inf. */
    private static void foldHistogram(ByteBuffer o, int at, Histogram h) {
        for (int b = 0; b < Histogram.BINS; b++) {
            long pos = o.getLong(at + 8 * b), neg = o.getLong(at + 8 * (BinCounts.NEGATIVE + b));
            if (pos != 0) h.addPositive(b, pos);
            if (neg != 0) h.addNegative(b, neg);
        }
        h.addSpecial(o.getLong(at + 8 * BinCounts.ZERO), o.getLong(at + 8 * BinCounts.NAN),
                o.getLong(at + 8 * BinCounts.POS_INF), o.getLong(at + 8 * BinCounts.NEG_INF));
    }
}
