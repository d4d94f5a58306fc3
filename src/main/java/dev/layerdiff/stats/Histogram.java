package dev.layerdiff.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Counts of values by sign and binary exponent: bin {@code e} of a sign holds values with
 * {@code 2^e <= |x| < 2^(e+1)}, for {@code e} in [{@value #MIN_EXPONENT}, {@value #MAX_EXPONENT}];
 * smaller magnitudes (subnormals included) fall into the lowest bin, larger into the highest. Zeros
 * (either sign), NaNs and infinities have bins of their own. The exponent is that of the value as a
 * double ({@link Math#getExponent(double)}), so every backend bins identically and counts match exactly.
 */
public final class Histogram implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int MIN_EXPONENT = -64;
    public static final int MAX_EXPONENT = 63;
    public static final int BINS = MAX_EXPONENT - MIN_EXPONENT + 1;

    private final long[] negative;
    private final long[] positive;
    private long zero;
    private long nan;
    private long posInf;
    private long negInf;

    public Histogram() {
        this(new long[BINS], new long[BINS], 0, 0, 0, 0);
    }

    /** Wraps counts computed elsewhere (a native backend); the arrays must have {@link #BINS} entries. */
    public Histogram(long[] negative, long[] positive, long zero, long nan, long posInf, long negInf) {
        if (negative.length != BINS || positive.length != BINS) {
            throw new IllegalArgumentException("histogram arrays must have " + BINS + " bins, got "
                    + negative.length + " and " + positive.length);
        }
        this.negative = negative;
        this.positive = positive;
        this.zero = zero;
        this.nan = nan;
        this.posInf = posInf;
        this.negInf = negInf;
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
            else positive[binOf(x)]++;
        } else if (x < 0) {
            if (x == Double.NEGATIVE_INFINITY) negInf++;
            else negative[binOf(x)]++;
        } else if (x == 0) {
            zero++;
        } else {
            nan++;
        }
    }

    /** Adds another histogram's counts to this one. */
    public void merge(Histogram o) {
        for (int i = 0; i < BINS; i++) {
            negative[i] += o.negative[i];
            positive[i] += o.positive[i];
        }
        zero += o.zero;
        nan += o.nan;
        posInf += o.posInf;
        negInf += o.negInf;
    }

    /** Adds {@code count} to the positive bin at {@code index} (a kernel's bulk update). */
    public void addPositive(int index, long count) { positive[index] += count; }

    /** Adds {@code count} to the negative bin at {@code index}. */
    public void addNegative(int index, long count) { negative[index] += count; }

    /** Adds counts to the special bins. */
    public void addSpecial(long zeros, long nans, long posInfs, long negInfs) {
        zero += zeros;
        nan += nans;
        posInf += posInfs;
        negInf += negInfs;
    }

    /** Count of negative finite values with exponent {@code MIN_EXPONENT + index}. */
    public long negative(int index) { return negative[index]; }

    /** Count of positive finite values with exponent {@code MIN_EXPONENT + index}. */
    public long positive(int index) { return positive[index]; }

    public long zero() { return zero; }

    public long nan() { return nan; }

    public long posInf() { return posInf; }

    public long negInf() { return negInf; }

    /** Every value counted. */
    public long total() {
        return Arrays.stream(negative).sum() + Arrays.stream(positive).sum() + zero + nan + posInf + negInf;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && Arrays.equals(h.negative, negative) && Arrays.equals(h.positive, positive)
                && h.zero == zero && h.nan == nan && h.posInf == posInf && h.negInf == negInf;
    }

    @Override
    public int hashCode() { return Arrays.hashCode(positive) * 31 + Arrays.hashCode(negative); }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Histogram{");
        for (int i = BINS - 1; i >= 0; i--) if (negative[i] != 0) b.append("-2^").append(i + MIN_EXPONENT).append(':').append(negative[i]).append(' ');
        if (zero != 0) b.append("0:").append(zero).append(' ');
        for (int i = 0; i < BINS; i++) if (positive[i] != 0) b.append("2^").append(i + MIN_EXPONENT).append(':').append(positive[i]).append(' ');
        if (nan != 0) b.append("nan:").append(nan).append(' ');
        if (posInf != 0) b.append("+inf:").append(posInf).append(' ');
        if (negInf != 0) b.append("-inf:").append(negInf).append(' ');
        return b.append('}').toString();
    }
}
