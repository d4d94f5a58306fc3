package dev.layerdiff.diagnosis;

import dev.layerdiff.stats.SliceStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** What the slice breakdown of a layer says: how its grossly-off elements fill the slices, and where its error sits. */
final class ErrorShape {
    /** Slices smaller than this are too small to tell a fill from a few flips. */
    static final long MIN_SLICE = 32;
    /** Localized: the indices carrying this share of the squared error ... */
    static final double LOCAL_SHARE = 0.95;
    /** ... while the other indices are at least this many times quieter. */
    static final double LOCAL_CONTRAST = 10;

    private ErrorShape() {}

    /** The fraction of all elements whose error is gross. */
    static double grossFraction(List<SliceStats> breakdown, long numel) {
        if (breakdown.isEmpty() || numel == 0) return 1;
        return (double) Arrays.stream(breakdown.get(0).gross()).sum() / numel;
    }

    /**
     * The largest fraction of grossly-off elements in any slice big enough to tell (the whole tensor's
     * fraction when no slice is).
     */
    static double structuredFill(List<SliceStats> breakdown, long numel) {
        double fill = -1;
        long gross = -1;
        for (SliceStats s : breakdown) {
            if (gross < 0) gross = Arrays.stream(s.gross()).sum();
            if (s.elements() < MIN_SLICE) continue;
            for (int i = 0; i < s.size(); i++) fill = Math.max(fill, s.grossFill(i));
        }
        if (fill >= 0) return fill;
        return gross < 0 || numel == 0 ? 1 : (double) gross / numel;
    }

    /** The share of the squared error that the zero flips carry (0 when there is no error). */
    static double flipShare(List<SliceStats> breakdown) {
        if (breakdown.isEmpty()) return 0;
        SliceStats s = breakdown.get(0);
        double total = Arrays.stream(s.sumSqDiff()).sum(), flips = Arrays.stream(s.flipSqDiff()).sum();
        return total > 0 && Double.isFinite(total) ? Math.min(1, flips / total) : 0;
    }

    /** The number of zero flips. */
    static long flips(List<SliceStats> breakdown) {
        return breakdown.isEmpty() ? 0 : Arrays.stream(breakdown.get(0).flips()).sum();
    }

    /**
     * The dimension along which a few indices carry the error while the rest are clean; the one that
     * names the smaller share of its indices when both do. The error of an index is its squared error,
     * or, for a layer whose error is NaN or Inf ({@code nonfinite}), its count of non-finite mismatches.
     */
    static Localized localize(List<SliceStats> breakdown, int rank, boolean nonfinite) {
        Localized best = null;
        double bestShare = 2;
        for (SliceStats s : breakdown) {
            int n = s.size();
            if (n < 2) continue;
            double[] error = nonfinite ? Arrays.stream(s.nonfinite()).asDoubleStream().toArray() : s.sumSqDiff();
            double total = Arrays.stream(error).sum();
            if (!(total > 0) || !Double.isFinite(total)) continue;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> error[i]).reversed());
            double acc = 0;
            int k = 0;
            while (k < n && acc < LOCAL_SHARE * total) acc += error[order[k++]];
            if (k >= n) continue;
            double weakestCarrier = error[order[k - 1]], loudestRest = error[order[k]];
            // Squared sums: a contrast of 10 in RMS error is 100 in squares (and counts of NaN as strict).
            if (loudestRest * LOCAL_CONTRAST * LOCAL_CONTRAST > weakestCarrier) continue;
            double share = (double) k / n;
            if (share < bestShare) {
                List<Integer> idx = new ArrayList<>();
                for (int i = 0; i < k; i++) idx.add(order[i]);
                idx.sort(null);
                best = new Localized(s.dim(), idx, n - k, rank);
                bestShare = share;
            }
        }
        return best;
    }
}
