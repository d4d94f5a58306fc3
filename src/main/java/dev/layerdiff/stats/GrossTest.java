package dev.layerdiff.stats;

/**
 * What a slice breakdown counts beyond the tolerance: an element's error is <em>gross</em> when
 * {@code |cand - ref| > threshold * max(|ref|, scale)}, or when it is a non-finite mismatch; a gross
 * element is a <em>zero flip</em> when exactly one side is zero (either sign) and the other side's
 * magnitude is at most {@code reach}: the trace that a ReLU, dropout or routing mask flipped by rounding
 * leaves, where the upstream error could have reached across the kink.
 *
 * @param threshold the relative size of a gross error (a negative value makes every finite element gross)
 * @param scale     the magnitude below which errors are measured against {@code scale} instead of {@code |ref|}
 * @param reach     the largest non-zero side a zero flip may have: 0 counts none, +Inf every one
 */
public record GrossTest(double threshold, double scale, double reach) {
    /** The test without zero flips. */
    public static GrossTest of(double threshold, double scale) {
        return new GrossTest(threshold, scale, 0);
    }
}
