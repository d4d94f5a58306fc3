package dev.layerdiff.stats;

/**
 * The error of one pair broken down along one dimension: for each index {@code i} of dimension
 * {@code dim}, over the finite pairs of that slice, the sums of {@code (cand - ref)^2} and of
 * {@code ref^2}, and the count of elements outside tolerance (non-finite mismatches included).
 *
 * @param dim        the dimension (0: batch element; 1: channel, token position or head)
 * @param sumSqDiff  per index: sum of squared differences over its finite pairs
 * @param sumSqRef   per index: sum of squared reference values over its finite pairs
 * @param mismatched per index: elements outside tolerance
 * @param gross      per index: elements whose error is gross, as the caller defined it (e.g.
 *                   {@code |cand - ref| > threshold * max(|ref|, scale)}, or a non-finite mismatch)
 * @param elements   elements per slice (the same for every index)
 */
public record SliceStats(int dim, double[] sumSqDiff, double[] sumSqRef, long[] mismatched, long[] gross,
                         long elements) {

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
