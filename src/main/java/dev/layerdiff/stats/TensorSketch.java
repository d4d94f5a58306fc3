package dev.layerdiff.stats;

/**
 * A tensor's fingerprint, kept in place of its values: a 64-bit hash of its elements and a count sketch
 * of them (a fixed random signed projection into {@code k} buckets), with smaller sketches of the
 * slices along dims 0 and 1. A sketch is linear, so the sketch of {@code cand - ref} is the difference
 * of the two sketches: two runs summarised apart are compared as if their tensors were at hand, within
 * the uncertainty {@link ErrorEstimate} states.
 *
 * <p>Exactly (so that any tool can write a sketch this one reads): element {@code i} (flat C order,
 * from 0) draws {@code h = mix(i ^ SEED)}, where {@code mix} is splitmix64's step (add
 * 0x9E3779B97F4A7C15, then {@code z = (z ^ z>>>30) * 0xBF58476D1CE4E5B9}, {@code z = (z ^ z>>>27) *
 * 0x94D049BB133111EB}, {@code z ^ z>>>31}, all mod 2^64). Its value as a double, when finite, is added
 * with sign {@code +1} if {@code h >>> 63 == 0}, else {@code -1}, to bucket {@code h & (k - 1)}; to
 * slice bucket {@code (h >>> 32) & (ks - 1)} of its index along dim 0 (and likewise dim 1). {@code k} is
 * the smallest power of two at least the element count, at most {@link #DEFAULT_BUCKETS} (the slices'
 * {@code ks}: see {@link Slices}). The hash is {@code mix(numel + sum over i of mix(bits_i ^ h))}, sum mod
 * 2^64, {@code bits_i} the element's raw bits zero-extended to 64: equal hashes, equal bits (up to a
 * collision of 2^-64).
 *
 * @param hash    the hash of the elements' bits
 * @param buckets the sketch, {@code k} doubles
 * @param dim0    the slices along dim 0, or null (a tensor of under two dims, or too many slices)
 * @param dim1    the slices along dim 1, or null
 */
public record TensorSketch(long hash, double[] buckets, Slices dim0, Slices dim1) {
    /** "layerdif" in ASCII. */
    public static final long SEED = 0x6C61796572646966L;
    /** Buckets of a tensor's sketch at most (8 KiB). */
    public static final int DEFAULT_BUCKETS = 1024;
    /** Doubles of one dim's slice sketches at most (2 KiB). */
    public static final int SLICE_BUDGET = 256;

    /**
     * The sketches of the slices along one dim: {@code count} slices of {@code buckets} each, slice
     * {@code j}'s at {@code values[j * buckets ..]}. {@code buckets} is the largest power of two with
     * {@code count * buckets <= SLICE_BUDGET}; a dim of more than {@value #SLICE_BUDGET} slices has none.
     */
    public record Slices(int dim, int count, int buckets, double[] values) {}

    /** splitmix64's step. */
    public static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Buckets of the sketch of a tensor of {@code numel} elements: a power of two, at least numel, at most {@code max}. */
    public static int buckets(long numel, int max) {
        if (max < 1 || Integer.bitCount(max) != 1) throw new IllegalArgumentException("buckets must be a power of two, got " + max);
        long atLeast = numel <= 1 ? 1 : Long.highestOneBit(numel - 1) << 1;
        return (int) Math.min(max, atLeast);
    }

    /** Slice buckets for a dim of {@code count} slices, or 0 when the dim has too many to sketch. */
    public static int sliceBuckets(long count) {
        if (count < 1 || count > SLICE_BUDGET) return 0;
        return Integer.highestOneBit((int) (SLICE_BUDGET / count));
    }
}
