package dev.layerdiff.engine;

import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.SideStats;
import java.io.Serializable;

/**
 * One side's running statistics over a chunk (or, after merging, a tensor). Kernels update the fields
 * directly; NaN, infinity and zero counts live in the histogram, so they are counted once.
 */
public final class SidePartial implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Elements seen. */
    public long count;
    /** Smallest finite value ({@link Math#min} order, so -0.0 sorts below 0.0 in every backend). */
    public double min = Double.POSITIVE_INFINITY;
    /** Largest finite value. */
    public double max = Double.NEGATIVE_INFINITY;
    /** Sum of finite values. */
    public double sum;
    /** Sum of squares of finite values. */
    public double sumSq;
    /** Values by sign and exponent. */
    public final Histogram histogram = new Histogram();

    /** Folds a later partial into this one (order matters only for the rounding of sums). */
    public void merge(SidePartial o) {
        count += o.count;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        sum += o.sum;
        sumSq += o.sumSq;
        histogram.merge(o.histogram);
    }

    /**
     * The final statistics. An empty tensor has count 0 and zeroFraction 0; min, max, mean and std are
     * NaN whenever there is no finite value.
     */
    public SideStats toStats() {
        long nonFinite = histogram.nan() + histogram.posInf() + histogram.negInf();
        long finite = count - nonFinite;
        double zeroFraction = count == 0 ? 0 : (double) histogram.zero() / count;
        if (finite == 0) {
            return new SideStats(count, 0, histogram.nan(), histogram.posInf(), histogram.negInf(),
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, zeroFraction);
        }
        double mean = sum / finite;
        double std = Math.sqrt(Math.max(0, sumSq / finite - mean * mean));
        return new SideStats(count, finite, histogram.nan(), histogram.posInf(), histogram.negInf(),
                min, max, mean, std, zeroFraction);
    }
}
