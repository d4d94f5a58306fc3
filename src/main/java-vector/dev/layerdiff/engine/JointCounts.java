package dev.layerdiff.engine;


/**
 * Per-thread joint counts of (value code, |d| code) for blocks where the ref and cand value codes agree
 * (ref ~ cand, the usual case): one increment counts a pair in the ref, cand and diff histograms,
 * instead of three (each a load+store, the kernel's hard cost). The hot cells are few (a value bin
 * pairs with |d| = 0 or one ulp-sized bin), so the 270 KB table stays cache friendly. Two interleaved
 * copies keep repeated increments of one cell (runs of zeros) from serializing on store forwarding.
 */
final class JointCounts {
    /** Calls with fewer elements count per histogram: the flush scans the whole table. */
    static final int MIN_ELEMENTS = 1 << 16;
    private static final int ROW = BinCounts.STRIDE;
    private static final int COPY = BinCounts.CODES * ROW;
    private static final ThreadLocal<JointCounts> LOCAL = ThreadLocal.withInitial(JointCounts::new);

    private final int[] cells = new int[2 * COPY];

    static JointCounts get() {
        return LOCAL.get();
    }

    /** Counts pairs {@code (values[i], diffs[i])}, {@code i < n}, n even. */
    void count(int[] values, long[] diffs, int n) {
        final int[] h = cells;
        for (int i = 0; i < n; i += 2) {
            h[values[i] * ROW + (int) diffs[i]]++;
            h[COPY + values[i + 1] * ROW + (int) diffs[i + 1]]++;
        }
    }

    /** Adds row sums to {@code values} (both sides), column sums to {@code diffs}, and clears. */
    void flushInto(BinCounts values, BinCounts diffs) {
        final int[] h = cells;
        for (int v = 0; v < BinCounts.CODES; v++) {
            int row = 0;
            for (int copy = 0; copy < 2 * COPY; copy += COPY) {
                int base = copy + v * ROW;
                for (int d = 0; d < BinCounts.CODES; d++) {
                    int x = h[base + d];
                    if (x != 0) {
                        row += x;
                        diffs.add(d, x);
                        h[base + d] = 0;
                    }
                }
            }
            if (row != 0) values.add(v, row);
        }
    }
}
