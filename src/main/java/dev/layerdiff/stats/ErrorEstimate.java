package dev.layerdiff.stats;

/**
 * What two tensors' sketches ({@link TensorSketch}) say of their difference {@code d = cand - ref} over
 * the finite values. The squared norm of the difference of the sketches, {@code D2}, is an unbiased
 * estimate of {@code ||d||^2} with a standard deviation of at most {@code sqrt(2 / k) ||d||^2} for
 * {@code k} buckets (the count sketch's variance, {@code 2 (||d||^4 - sum d_i^4) / k}); the norms of the
 * two sides are exact (from their statistics). The bounds are {@link #SIGMAS} of those deviations
 * either side, taken at the estimate: wide enough that the exact value lies within them in at least 95%
 * of layers (TensorSketchTest; two deviations held it in 93%, the estimate's distribution being skewed
 * for few buckets and its deviation taken at the estimate rather than the truth). At 1024 buckets the
 * band is about 13% of the squared error wide either side, 6.6% of the error.
 * Identical hashes make the difference exactly zero.
 *
 * @param relativeError      ||d|| / ||ref||, estimated
 * @param relativeErrorLow   its lower bound (0 when the estimate cannot tell it from zero)
 * @param relativeErrorHigh  its upper bound
 * @param cosine             cos(ref, cand), estimated from the exact norms and D2
 * @param cosineUncertainty  half the width of its band
 * @param identical          the hashes are equal: everything above is exact
 */
public record ErrorEstimate(double relativeError, double relativeErrorLow, double relativeErrorHigh, double cosine,
                             double cosineUncertainty, boolean identical) implements java.io.Serializable {
    /** Width of the bounds, in standard deviations of the estimate. */
    public static final double SIGMAS = 3;

    /**
     * The estimate from two tensors' sketches and statistics.
     *
     * @throws IllegalArgumentException if the sketches have different bucket counts (different shapes)
     */
    public static ErrorEstimate of(TensorSketch ref, SideStats refStats, TensorSketch cand, SideStats candStats) {
        double rr = squaredNorm(refStats), cc = squaredNorm(candStats);
        double rn = Math.sqrt(rr), cn = Math.sqrt(cc);
        if (ref.hash() == cand.hash()) return new ErrorEstimate(0, 0, 0, 1, 0, true);
        double[] r = ref.buckets(), c = cand.buckets();
        if (r.length != c.length) {
            throw new IllegalArgumentException("sketches of " + r.length + " and " + c.length + " buckets cannot be compared");
        }
        double d2 = 0;
        for (int b = 0; b < r.length; b++) {
            double d = c[b] - r[b];
            d2 += d * d;
        }
        double spread = SIGMAS * Math.sqrt(2.0 / r.length) * d2;
        double low = Math.sqrt(Math.max(0, d2 - spread)), high = Math.sqrt(d2 + spread);
        double rel = rn == 0 ? (d2 == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(d2) / rn;
        double cosine = rn == 0 || cn == 0 ? (rn == cn ? 1 : 0) : Math.max(-1, Math.min(1, (rr + cc - d2) / (2 * rn * cn)));
        double cosineBand = rn == 0 || cn == 0 ? 0 : spread / (2 * rn * cn);
        return new ErrorEstimate(rel, rn == 0 ? rel : low / rn, rn == 0 ? rel : high / rn, cosine, cosineBand, false);
    }

    /**
     * What four statistics of each side (largest, smallest, mean, L2 norm, over {@code n} finite values)
     * say of the difference: a lower bound only, the largest of {@code |‖a‖ - ‖b‖|}, {@code sqrt(n)
     * |mean_a - mean_b|} (the means times the count bound the L1 norm, and it sqrt(n) times the L2),
     * {@code |max_a - max_b|} and {@code |min_a - min_b|} (each at most the largest element difference),
     * relative to {@code ‖a‖}. The upper bound is unknown (infinite), unless the checksums are equal:
     * then the difference is zero. Equal statistics without checksums are taken as no difference
     * ({@code relativeErrorHigh} 0): a permutation would pass unseen, which is what checksums are for.
     *
     * @param identical the two sides' checksums are present and equal
     */
    public static ErrorEstimate ofStatistics(long n, double maxA, double minA, double meanA, double normA, double maxB,
                                             double minB, double meanB, double normB, boolean identical, boolean checksums) {
        if (identical) return new ErrorEstimate(0, 0, 0, 1, 0, true);
        double low = Math.max(Math.max(Math.abs(normA - normB), Math.sqrt(n) * Math.abs(meanA - meanB)),
                Math.max(Math.abs(maxA - maxB), Math.abs(minA - minB)));
        if (!Double.isFinite(low)) low = 0; // statistics of non-finite values bound nothing
        double rel = normA == 0 ? (low == 0 ? 0 : Double.POSITIVE_INFINITY) : low / normA;
        double high = rel == 0 && !checksums ? 0 : Double.POSITIVE_INFINITY;
        return new ErrorEstimate(rel, rel, high, Double.NaN, Double.NaN, false);
    }

    /** ||x||^2 over the finite values, from the count, mean and population standard deviation. */
    public static double squaredNorm(SideStats s) {
        return s.finite() == 0 ? 0 : s.finite() * (s.std() * s.std() + s.mean() * s.mean());
    }
}
