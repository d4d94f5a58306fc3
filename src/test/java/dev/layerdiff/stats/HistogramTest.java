package dev.layerdiff.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramTest {

    /** Values over every bin, both signs, the clamped ends and the special bins. */
    private static double[] values(long seed, int n) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (random.nextInt(12)) {
                case 0 -> 0.0;
                case 1 -> -0.0;
                case 2 -> Double.NaN;
                case 3 -> Double.POSITIVE_INFINITY;
                case 4 -> Double.NEGATIVE_INFINITY;
                case 5 -> Double.MIN_VALUE;
                case 6 -> -Double.MAX_VALUE;
                default -> (random.nextBoolean() ? 1 : -1) * Math.scalb(1 + random.nextDouble(), random.nextInt(140) - 70);
            };
        }
        return v;
    }

    /** Counts kept the way the histogram used to keep them: every bin of both signs. */
    private static long[][] dense(double[] values) {
        long[][] bins = new long[2][Histogram.BINS];
        for (double x : values) {
            if (x > 0 && x != Double.POSITIVE_INFINITY) bins[1][Histogram.binOf(x)]++;
            if (x < 0 && x != Double.NEGATIVE_INFINITY) bins[0][Histogram.binOf(x)]++;
        }
        return bins;
    }

    @Test
    void countsEveryBinOfBothSignsAndTheSpecials() {
        double[] v = values(1, 5000);
        Histogram h = new Histogram();
        for (double x : v) h.add(x);
        long[][] bins = dense(v);
        for (int i = 0; i < Histogram.BINS; i++) {
            assertThat(h.negative(i)).as("negative bin %d", i).isEqualTo(bins[0][i]);
            assertThat(h.positive(i)).as("positive bin %d", i).isEqualTo(bins[1][i]);
        }
        assertThat(h.total()).isEqualTo(v.length);
        assertThat(h.zero() + h.nan() + h.posInf() + h.negInf())
                .isEqualTo(v.length - java.util.Arrays.stream(bins[0]).sum() - java.util.Arrays.stream(bins[1]).sum());
        assertThat(h.lowestBin()).isZero();
        assertThat(h.highestBin()).isEqualTo(Histogram.BINS - 1);
    }

    @Test
    void mergingDisjointAndOverlappingSpansInAnyOrderEqualsAddingEveryValue() {
        double[] v = values(2, 3000);
        Histogram all = new Histogram();
        for (double x : v) all.add(x);
        // Chunks of narrow, disjoint and overlapping exponent spans, merged front to back and back to front.
        Histogram forward = new Histogram(), backward = new Histogram();
        Histogram[] parts = new Histogram[7];
        for (int p = 0; p < parts.length; p++) parts[p] = new Histogram();
        for (double x : v) parts[Math.floorMod(Math.getExponent(x) / 20, parts.length)].add(x);
        for (Histogram p : parts) forward.merge(p);
        for (int p = parts.length - 1; p >= 0; p--) backward.merge(parts[p]);
        assertThat(forward).isEqualTo(all).hasSameHashCodeAs(all);
        assertThat(backward).isEqualTo(all).hasSameHashCodeAs(all);
        assertThat(forward.toString()).isEqualTo(all.toString());
    }

    @Test
    void denseArraysRoundTripAndEmptyBinsAtTheEndsDoNotCount() {
        double[] v = {3.0, 3.5, -0.25, 1e-30, 0.0, Double.NaN};
        long[][] bins = dense(v);
        Histogram copy = new Histogram(bins[0], bins[1], 1, 1, 0, 0);
        Histogram added = new Histogram();
        for (double x : v) added.add(x);
        assertThat(copy).isEqualTo(added).hasSameHashCodeAs(added);
        assertThat(copy.lowestBin()).isEqualTo(Histogram.binOf(1e-30));
        assertThat(copy.highestBin()).isEqualTo(Histogram.binOf(3.0));
        // A bin added with count 0 is no bin.
        added.addPositive(Histogram.BINS - 1, 0);
        assertThat(added.highestBin()).isEqualTo(Histogram.binOf(3.0));
        assertThat(added).isEqualTo(copy);
    }

    @Test
    void anEmptyHistogramHasNoBinsAndEqualsOnlyAnotherEmptyOne() {
        Histogram empty = new Histogram();
        assertThat(empty.lowestBin()).isEqualTo(-1);
        assertThat(empty.highestBin()).isEqualTo(-1);
        assertThat(empty.positive(0)).isZero();
        assertThat(empty.total()).isZero();
        assertThat(empty).isEqualTo(new Histogram()).hasSameHashCodeAs(new Histogram());
        Histogram one = new Histogram();
        one.add(1.0);
        assertThat(one).isNotEqualTo(empty);
        Histogram other = new Histogram();
        other.add(-1.0);
        assertThat(one).isNotEqualTo(other);
    }

    @Test
    void refusesBinsOutsideTheTable() {
        Histogram h = new Histogram();
        assertThatThrownBy(() -> h.addPositive(Histogram.BINS, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> h.negative(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new Histogram(new long[3], new long[Histogram.BINS], 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
