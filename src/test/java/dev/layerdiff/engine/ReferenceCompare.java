package dev.layerdiff.engine;

import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.SideStats;

/** The definitions, written as plainly as possible over double arrays: the oracle for metric tests. */
final class ReferenceCompare {
    private ReferenceCompare() {}

    static SideStats stats(double[] v) {
        long finite = 0, nan = 0, pos = 0, neg = 0, zeros = 0;
        double min = Double.NaN, max = Double.NaN, sum = 0, sumSq = 0;
        for (double x : v) {
            if (Double.isNaN(x)) nan++;
            else if (x == Double.POSITIVE_INFINITY) pos++;
            else if (x == Double.NEGATIVE_INFINITY) neg++;
            else {
                if (finite == 0) { min = x; max = x; }
                min = Math.min(min, x);
                max = Math.max(max, x);
                finite++;
                sum += x;
                sumSq += x * x;
            }
            if (x == 0) zeros++;
        }
        double mean = finite == 0 ? Double.NaN : sum / finite;
        double std = finite == 0 ? Double.NaN : Math.sqrt(Math.max(0, sumSq / finite - mean * mean));
        return new SideStats(v.length, finite, nan, pos, neg, min, max, mean, std,
                v.length == 0 ? 0 : (double) zeros / v.length);
    }

    static Histogram histogram(double[] v) {
        Histogram h = new Histogram();
        for (double x : v) h.add(x);
        return h;
    }

    static Histogram diffHistogram(double[] r, double[] c) {
        Histogram h = new Histogram();
        for (int i = 0; i < r.length; i++) h.add(r[i] == c[i] ? 0 : Math.abs(c[i] - r[i]));
        return h;
    }

    static DiffMetrics metrics(double[] r, double[] c, double rtol, double atol, boolean equalNan) {
        long pairs = 0, mismatched = 0, maxIndex = -1;
        double maxAbs = 0, sumAbs = 0, sumSq = 0, maxRel = 0, rr = 0, cc = 0, rc = 0;
        for (int i = 0; i < r.length; i++) {
            double x = r[i], y = c[i];
            boolean equal;
            if (x == y) equal = true;
            else if (Double.isNaN(x) || Double.isNaN(y)) equal = equalNan && Double.isNaN(x) && Double.isNaN(y);
            else if (Double.isInfinite(x) || Double.isInfinite(y)) equal = false;
            else equal = !(Math.abs(y - x) > atol + rtol * Math.abs(x));
            if (!equal) mismatched++;
            if (Double.isFinite(x) && Double.isFinite(y)) {
                double d = y - x;
                pairs++;
                if (maxIndex < 0 || Math.abs(d) > maxAbs) { maxAbs = Math.abs(d); maxIndex = i; }
                sumAbs += Math.abs(d);
                sumSq += d * d;
                if (x != 0) maxRel = Math.max(maxRel, Math.abs(d) / Math.abs(x));
                rr += x * x;
                cc += y * y;
                rc += x * y;
            }
        }
        double cosine = rr == 0 && cc == 0 ? 1 : rr == 0 || cc == 0 ? 0 : rc / (Math.sqrt(rr) * Math.sqrt(cc));
        double sqnr = sumSq == 0 ? Double.POSITIVE_INFINITY : rr == 0 ? Double.NEGATIVE_INFINITY : 10 * Math.log10(rr / sumSq);
        return new DiffMetrics(maxAbs, maxIndex, pairs == 0 ? 0 : sumAbs / pairs, maxRel,
                pairs == 0 ? 0 : Math.sqrt(sumSq / pairs), cosine, sqnr, mismatched, pairs);
    }
}
