package dev.layerdiff.engine;

import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.PairResult;
import java.io.Serializable;

/**
 * Running comparison of one chunk of a pair (or, after merging, of the whole pair). Kernels update
 * the public fields directly; sums are over the pairs where both sides are finite. Serializable, so
 * that chunks compared on other machines can be merged in one place (the image stays behind).
 */
public final class PairPartial implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Relative tolerance of the mismatch test. */
    public final double rtol;
    /** Absolute tolerance of the mismatch test. */
    public final double atol;
    /** Whether NaN against NaN is equal. */
    public final boolean equalNan;
    /** Where block maxima of |d| go, or null when no image was asked for. */
    public final transient ImageAccumulator image;

    /** The reference side. */
    public final SidePartial ref = new SidePartial();
    /** The candidate side. */
    public final SidePartial cand = new SidePartial();
    /** |d| per pair (0 where ref == cand). */
    public final Histogram diffHistogram = new Histogram();

    public long finitePairs;
    public long mismatched;
    public double sumAbs;
    public double sumSq;
    public double sumRR;
    public double sumCC;
    public double sumRC;
    public double maxAbs;
    /** Flat index of the first finite pair reaching {@link #maxAbs}; -1 while there is none. */
    public long maxAbsIndex = -1;
    public double maxRel;

    /** A fresh partial for one chunk of a pair. */
    public PairPartial(double rtol, double atol, boolean equalNan, ImageAccumulator image) {
        this.rtol = rtol;
        this.atol = atol;
        this.equalNan = equalNan;
        this.image = image;
    }

    /**
     * A pair's chunk partials folded in chunk order into a fresh partial (without an image): the same
     * bits however and wherever the chunks ran.
     */
    public static PairPartial merged(double rtol, double atol, boolean equalNan, Iterable<PairPartial> inOrder) {
        PairPartial all = new PairPartial(rtol, atol, equalNan, null);
        for (PairPartial p : inOrder) all.merge(p);
        return all;
    }

    /** Folds the partial of the next chunk (higher indices) into this one. */
    public void merge(PairPartial o) {
        ref.merge(o.ref);
        cand.merge(o.cand);
        diffHistogram.merge(o.diffHistogram);
        finitePairs += o.finitePairs;
        mismatched += o.mismatched;
        sumAbs += o.sumAbs;
        sumSq += o.sumSq;
        sumRR += o.sumRR;
        sumCC += o.sumCC;
        sumRC += o.sumRC;
        // Strictly greater: on a tie the earlier chunk keeps the first index.
        if (o.maxAbsIndex >= 0 && (maxAbsIndex < 0 || o.maxAbs > maxAbs)) {
            maxAbs = o.maxAbs;
            maxAbsIndex = o.maxAbsIndex;
        }
        maxRel = Math.max(maxRel, o.maxRel);
    }

    /** The pair's result once every chunk is merged in: metrics, both sides' statistics and histograms. */
    public PairResult toResult(DiffImage picture) {
        return new PairResult(toMetrics(), ref.toStats(), cand.toStats(), ref.histogram, cand.histogram,
                diffHistogram, picture);
    }

    /** The final metrics, by the definitions of {@link DiffMetrics}. */
    public DiffMetrics toMetrics() {
        double n = finitePairs;
        double meanAbs = finitePairs == 0 ? 0 : sumAbs / n;
        double rmse = finitePairs == 0 ? 0 : Math.sqrt(sumSq / n);
        double cosine;
        if (sumRR == 0 && sumCC == 0) cosine = 1;
        else if (sumRR == 0 || sumCC == 0) cosine = 0;
        else cosine = sumRC / (Math.sqrt(sumRR) * Math.sqrt(sumCC));
        // log10(0) is -Inf, which is the defined value when the reference is all zero.
        double sqnr = sumSq == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(sumRR / sumSq);
        return new DiffMetrics(maxAbsIndex < 0 ? 0 : maxAbs, maxAbsIndex, meanAbs, maxRel, rmse, cosine, sqnr,
                mismatched, finitePairs);
    }
}
