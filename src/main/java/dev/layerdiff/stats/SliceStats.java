package dev.layerdiff.stats;

/**
 * The error of one pair broken down along one dimension: for each index {@code i} of dimension
 * {@code dim}, over the finite pairs of that slice, the sums of {@code (cand - ref)^2} and of
 * {@code ref^2}, the count of elements outside tolerance (non-finite mismatches included), and of the
 * elements a {@link GrossTest} finds gross, zero flips and non-finite mismatches.
 *
 * @param dim        the dimension (0: batch element; 1: channel, token position or head)
 * @param sumSqDiff  per index: sum of squared differences over its finite pairs
 * @param sumSqRef   per index: sum of squared reference values over its finite pairs
 * @param mismatched per index: elements outside tolerance
 * @param gross      per index: elements whose error is gross ({@link GrossTest})
 * @param flips      per index: the gross elements that are zero flips ({@link GrossTest})
 * @param flipSqDiff per index: the sum of squared differences of those zero flips
 * @param nonfinite  per index: mismatches where either side is NaN or infinite
 * @param elements   elements per slice (the same for every index)
 */
public record SliceStats(int dim, double[] sumSqDiff, double[] sumSqRef, long[] mismatched, long[] gross,
                         long[] flips, double[] flipSqDiff, long[] nonfinite, long elements) {

    /** A breakdown without zero flips or non-finite mismatches. */
    public SliceStats(int dim, double[] sumSqDiff, double[] sumSqRef, long[] mismatched, long[] gross, long elements) {
        this(dim, sumSqDiff, sumSqRef, mismatched, gross, new long[mismatched.length], new double[mismatched.length],
                new long[mismatched.length], elements);
    }

    /** Indices along the dimension. */
    public int size() { return mismatched.length; }

    /** ||cand - ref||_2 / ||ref||_2 of slice {@code i}: 0 when equal, +Inf when the reference is 0 and the error not. */
    public double relativeError(int i) {
        if (sumSqDiff[i] == 0) return 0;
        return sumSqRef[i] == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(sumSqDiff[i] / sumSqRef[i]);
    }

    /** The fraction of slice {@code i}'s elements whose error is gross. */
    public double grossFill(int i) {
        return elements == 0 ? 0 : (double) gross[i] / elements;
    }

    /** The share of the whole pair's squared error that falls in slice {@code i}. */
    public double errorShare(int i) {
        double total = 0;
        for (double v : sumSqDiff) total += v;
        return total == 0 ? 0 : sumSqDiff[i] / total;
    }
}
