package dev.layerdiff.stats;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * Counts of values by sign and binary exponent: bin {@code e} of a sign holds values with
 * {@code 2^e <= |x| < 2^(e+1)}, for {@code e} in [{@value #MIN_EXPONENT}, {@value #MAX_EXPONENT}];
 * smaller magnitudes (subnormals included) fall into the lowest bin, larger into the highest. Zeros
 * (either sign), NaNs and infinities have bins of their own. The exponent is that of the value as a
 * double ({@link Math#getExponent(double)}), so every backend bins identically and counts match exactly.
 *
 * <p>Only the span of bins from the lowest to the highest counted one is stored: a tensor's values
 * cover a few dozen binades at most, a tiny tensor's a handful, and a dump of a million tensors holds
 * three histograms each (2 x {@value #BINS} longs would be 6 KB per layer).
 */
public final class Histogram implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int MIN_EXPONENT = -64;
    public static final int MAX_EXPONENT = 63;
    public static final int BINS = MAX_EXPONENT - MIN_EXPONENT + 1;

    private static final long[] NONE = {};

    /** The first bin stored. */
    private int lo;
    /** Bins {@code [lo, lo + span)}, {@code span = counts.length / 2}: negative counts, then positive. */
    private long[] counts = NONE;
    private long zero;
    private long nan;
    private long posInf;
    private long negInf;

    public Histogram() {}

    /** Copies counts computed elsewhere (a native backend); the arrays must have {@link #BINS} entries. */
    public Histogram(long[] negative, long[] positive, long zero, long nan, long posInf, long negInf) {
        if (negative.length != BINS || positive.length != BINS) {
            throw new IllegalArgumentException("histogram arrays must have " + BINS + " bins, got "
                    + negative.length + " and " + positive.length);
        }
        for (int i = 0; i < BINS; i++) {
            if (negative[i] != 0) addNegative(i, negative[i]);
            if (positive[i] != 0) addPositive(i, positive[i]);
        }
        addSpecial(zero, nan, posInf, negInf);
    }

    /** A histogram of bins {@code [lo, lo + negative.length)} (arrays of equal length, taken as they are) and the special bins. */
    static Histogram ofSpan(int lo, long[] negative, long[] positive, long zero, long nan, long posInf, long negInf) {
        Histogram h = new Histogram();
        int span = negative.length;
        if (span > 0) {
            Objects.checkFromIndexSize(lo, span, BINS);
            h.lo = lo;
            h.counts = Arrays.copyOf(negative, 2 * span);
            System.arraycopy(positive, 0, h.counts, span, span);
        }
        h.addSpecial(zero, nan, posInf, negInf);
        return h;
    }

    /** Bin index of a finite non-zero magnitude's exponent. */
    public static int binOf(double x) {
        int e = Math.getExponent(x);
        if (e < MIN_EXPONENT) return 0;
        if (e > MAX_EXPONENT) return BINS - 1;
        return e - MIN_EXPONENT;
    }

    /** Adds one value. */
    public void add(double x) {
        if (x > 0) {
            if (x == Double.POSITIVE_INFINITY) posInf++;
            else addPositive(binOf(x), 1);
        } else if (x < 0) {
            if (x == Double.NEGATIVE_INFINITY) negInf++;
            else addNegative(binOf(x), 1);
        } else if (x == 0) {
            zero++;
        } else {
            nan++;
        }
    }

    /** Adds another histogram's counts to this one. */
    public void merge(Histogram o) {
        int n = o.span();
        if (n > 0) {
            cover(o.lo, o.lo + n);
            int at = o.lo - lo, span = span();
            for (int i = 0; i < n; i++) {
                counts[at + i] += o.counts[i];
                counts[span + at + i] += o.counts[n + i];
            }
        }
        addSpecial(o.zero, o.nan, o.posInf, o.negInf);
    }

    /** Adds {@code count} to the positive bin at {@code index} (a kernel's bulk update). */
    public void addPositive(int index, long count) {
        Objects.checkIndex(index, BINS);
        if (count == 0) return;
        cover(index, index + 1);
        counts[span() + index - lo] += count;
    }

    /** Adds {@code count} to the negative bin at {@code index}. */
    public void addNegative(int index, long count) {
        Objects.checkIndex(index, BINS);
        if (count == 0) return;
        cover(index, index + 1);
        counts[index - lo] += count;
    }

    /** Adds counts to the special bins. */
    public void addSpecial(long zeros, long nans, long posInfs, long negInfs) {
        zero += zeros;
        nan += nans;
        posInf += posInfs;
        negInf += negInfs;
    }

    /** Count of negative finite values with exponent {@code MIN_EXPONENT + index}. */
    public long negative(int index) {
        Objects.checkIndex(index, BINS);
        int i = index - lo;
        return i >= 0 && i < span() ? counts[i] : 0;
    }

    /** Count of positive finite values with exponent {@code MIN_EXPONENT + index}. */
    public long positive(int index) {
        Objects.checkIndex(index, BINS);
        int i = index - lo, span = span();
        return i >= 0 && i < span ? counts[span + i] : 0;
    }

    /** The lowest bin that counts a finite non-zero value of either sign, or -1 if none does. */
    public int lowestBin() {
        int span = span();
        for (int i = 0; i < span; i++) if (counts[i] != 0 || counts[span + i] != 0) return lo + i;
        return -1;
    }

    /** The highest bin that counts a finite non-zero value of either sign, or -1 if none does. */
    public int highestBin() {
        int span = span();
        for (int i = span - 1; i >= 0; i--) if (counts[i] != 0 || counts[span + i] != 0) return lo + i;
        return -1;
    }

    public long zero() { return zero; }

    public long nan() { return nan; }

    public long posInf() { return posInf; }

    public long negInf() { return negInf; }

    /** Every value counted. */
    public long total() {
        long sum = zero + nan + posInf + negInf;
        for (long c : counts) sum += c;
        return sum;
    }

    private int span() { return counts.length >> 1; }

    /** Widens the stored span to include bins {@code [from, to)}. */
    private void cover(int from, int to) {
        int span = span();
        if (span > 0 && from >= lo && to <= lo + span) return;
        int newLo = span == 0 ? from : Math.min(lo, from);
        int newSpan = (span == 0 ? to : Math.max(lo + span, to)) - newLo;
        long[] wider = new long[2 * newSpan];
        if (span > 0) {
            System.arraycopy(counts, 0, wider, lo - newLo, span);
            System.arraycopy(counts, span, wider, newSpan + lo - newLo, span);
        }
        counts = wider;
        lo = newLo;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Histogram h) || h.zero != zero || h.nan != nan || h.posInf != posInf || h.negInf != negInf) {
            return false;
        }
        int first = Math.min(lo, h.lo), last = Math.max(lo + span(), h.lo + h.span());
        for (int i = first; i < last; i++) {
            if (h.negative(i) != negative(i) || h.positive(i) != positive(i)) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = Long.hashCode(zero) * 31 + Long.hashCode(nan);
        hash = (hash * 31 + Long.hashCode(posInf)) * 31 + Long.hashCode(negInf);
        int span = span();
        for (int i = 0; i < span; i++) {
            if (counts[i] != 0) hash = hash * 31 + Long.hashCode(counts[i]) * 257 + lo + i;
            if (counts[span + i] != 0) hash = hash * 31 + Long.hashCode(counts[span + i]) * 263 + lo + i;
        }
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Histogram{");
        for (int i = BINS - 1; i >= 0; i--) if (negative(i) != 0) b.append("-2^").append(i + MIN_EXPONENT).append(':').append(negative(i)).append(' ');
        if (zero != 0) b.append("0:").append(zero).append(' ');
        for (int i = 0; i < BINS; i++) if (positive(i) != 0) b.append("2^").append(i + MIN_EXPONENT).append(':').append(positive(i)).append(' ');
        if (nan != 0) b.append("nan:").append(nan).append(' ');
        if (posInf != 0) b.append("+inf:").append(posInf).append(' ');
        if (negInf != 0) b.append("-inf:").append(negInf).append(' ');
        return b.append('}').toString();
    }
}
