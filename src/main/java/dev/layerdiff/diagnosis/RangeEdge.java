package dev.layerdiff.diagnosis;

import dev.layerdiff.stats.Histogram;
import dev.layerdiff.tensor.DType;
import java.util.Optional;

/**
 * float16 and bfloat16 values at the edge of their format's range. These two formats are where a run
 * meets its limits by accident (float32 has 2^128 of headroom; 8-bit floats are scaled to fill their
 * range on purpose, so reaching the top is their normal state).
 *
 * <ul>
 * <li><b>Top:</b> the largest finite magnitude is in the format's top binade ({@code >= 2^emax}), so
 *     one more doubling (a sum of two such values, a residual add, a loss-scale step) overflows to Inf.
 *     A layer that already holds Inf is past the edge and reported as a non-finite origin instead.
 * <li><b>Bottom:</b> at least {@link #SUBNORMAL_SHARE} of the non-zero values are subnormal, where
 *     each binade down loses one significant bit and values below half the smallest subnormal flush to
 *     zero: the tensor's scale sits at the bottom of the format (the reason fp16 training uses loss
 *     scaling). Only where the value histogram resolves the format's subnormals (its lowest bin is
 *     2^-64, above bfloat16's 2^-126; bfloat16 shares float32's range, so its underflow is float32's).
 * </ul>
 *
 * On the fixtures: {@code cnn2_fp16_overflow}'s layers before the overflow reach at most 4.01 (2^2,
 * 13 binades below the top edge 2^15) and at most 0.016% of their non-zero values are subnormal
 * (conv1: 3 of 18432), 60 times under the share; its layers from conv3 on hold Inf (conv3's finite
 * values reach 65504), so they are past the edge, not at it. The other single-run fixtures are float32.
 */
final class RangeEdge {
    /** Subnormal share of the non-zero values that is "many": one value in a hundred has lost bits. */
    static final double SUBNORMAL_SHARE = 0.01;

    /** The range of a narrow float format: largest exponent, smallest normal exponent, mantissa bits. */
    enum Format {
        FLOAT16(DType.FLOAT16, 15, -14, 10),
        BFLOAT16(DType.BFLOAT16, 127, -126, 7);

        final DType dtype;
        final int maxExponent;
        final int minNormalExponent;
        final int mantissaBits;

        Format(DType dtype, int maxExponent, int minNormalExponent, int mantissaBits) {
            this.dtype = dtype;
            this.maxExponent = maxExponent;
            this.minNormalExponent = minNormalExponent;
            this.mantissaBits = mantissaBits;
        }

        /** The largest finite value: (2 - 2^-mantissa) * 2^emax (65504 for float16). */
        double largest() { return Math.scalb(2 - Math.scalb(1.0, -mantissaBits), maxExponent); }

        /** The smallest value of the top binade. */
        double topBinade() { return Math.scalb(1.0, maxExponent); }

        /** The smallest normal value. */
        double smallestNormal() { return Math.scalb(1.0, minNormalExponent); }

        static Optional<Format> of(DType dtype) {
            for (Format f : values()) if (f.dtype == dtype) return Optional.of(f);
            return Optional.empty();
        }
    }

    private RangeEdge() {}

    /** The range finding of one tensor, if any. */
    static Optional<Finding> check(MeasuredTensor t) {
        Optional<Format> format = Format.of(t.entry().dtype());
        if (format.isEmpty() || t.nonfinite() > 0) return Optional.empty();
        Format f = format.get();
        String dtype = f.dtype.displayName();
        double max = t.maxAbs();
        if (max >= f.topBinade()) {
            return Optional.of(Finding.of(Finding.Kind.RANGE_EDGE, t.name(), String.format(
                    "max |x| %.4g is within a doubling of the %s limit %.6g (top binade >= 2^%d): the next doubling overflows to Inf",
                    max, dtype, f.largest(), f.maxExponent)));
        }
        long nonzero = t.stats().finite() - t.histogram().zero();
        long subnormal = subnormals(t.histogram(), f);
        if (subnormal >= 0 && nonzero > 0 && subnormal >= SUBNORMAL_SHARE * nonzero) {
            return Optional.of(Finding.of(Finding.Kind.RANGE_EDGE, t.name(), String.format(
                    "%d of %d non-zero values (%.1f%%) are %s subnormals (below 2^%d = %.3g), with fewer significant bits;"
                            + " the tensor sits at the bottom of the format's range",
                    subnormal, nonzero, 100.0 * subnormal / nonzero, dtype, f.minNormalExponent, f.smallestNormal())));
        }
        return Optional.empty();
    }

    /** Non-zero finite values below the smallest normal, or -1 when the histogram cannot tell. */
    static long subnormals(Histogram h, Format f) {
        int below = f.minNormalExponent - Histogram.MIN_EXPONENT;
        // Bin 0 also holds everything smaller than 2^MIN_EXPONENT, so it must lie wholly below the normals.
        if (below < 1) return -1;
        long n = 0;
        for (int i = 0; i < below; i++) n += h.positive(i) + h.negative(i);
        return n;
    }
}
