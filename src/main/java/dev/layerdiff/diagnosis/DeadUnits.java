package dev.layerdiff.diagnosis;

import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.SliceKernel;
import dev.layerdiff.stats.ZeroIndices;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Dead units: indices of dim 1 (a convolution's channels, a linear layer's units) of an activation
 * that are zero for every batch element and every position. Only activations: a dead unit's gradient
 * is zero as a consequence, and would repeat the finding once per layer behind it.
 *
 * <p>The first pass's zero count decides which layers are read again: a layer needs at least one
 * slice's worth of zeros to hold an all-zero unit, and a layer that is all zero is constant, not dead
 * in parts. The second pass looks for the all-zero units and stops early: a live unit is settled by
 * its first non-zero value, so a layer without dead units costs about a block per unit, and only the
 * dead ones are read whole. The rate at which the live units are zero then follows from the first
 * pass's zero count.
 *
 * <p>A unit that is merely off for the inputs of a small batch is not dead: with the live units zero
 * at a rate {@code z} (about 1/2 behind a ReLU), all {@code m} values of one of {@code C} live units
 * are zero by chance with probability at most {@code C z^m}; a unit is reported dead only when that
 * is below {@link #CHANCE} (so a batch of 4 rows of a ReLU MLP, where 1/16 of the units are off by
 * chance, is not enough evidence). Neighbouring positions of one channel are correlated, so the
 * bound is optimistic for a few positions; the layers it matters for have hundreds. Measured on the fixtures: {@code cnn2_deadrelu}'s {@code relu2}
 * has units 1, 6, 9 zero in all 576 values while the others are zero at 0.504: chance 10^-170, 168
 * orders under {@code CHANCE}; in the healthy runs no unit is all zero (the emptiest, in
 * {@code cnn2_ref_cpu}'s {@code relu3}, has 59 non-zero values of 144).
 */
final class DeadUnits {
    /** Probability, per layer, of reporting live units that were zero by chance. */
    static final double CHANCE = 0.01;
    /** The dimension of units: channels of NCHW, units of (batch, features), positions of (batch, seq, dim). */
    static final int DIM = 1;

    private DeadUnits() {}

    /** Whether the first pass leaves room for a dead unit, so the layer is worth a second read. */
    static boolean candidate(MeasuredTensor t) {
        long[] shape = t.entry().shape();
        // Integer tensors are inputs (token ids, masks), where a zero is a value, not a silent unit.
        if (!t.entry().dtype().isFloatingPoint() || shape.length < 2) return false;
        if (shape[DIM] < 2 || shape[DIM] > SliceKernel.MAX_INDICES) return false;
        long numel = t.entry().numel(), zeros = t.histogram().zero();
        return numel > 0 && zeros < numel && zeros >= numel / shape[DIM];
    }

    /**
     * The dead units of the activations, in forward order. Units that a later layer of the same width
     * passes on (pooling, flattening, dropout) are the same units: they are named in the first
     * layer's finding rather than reported again.
     */
    static List<Finding> check(List<MeasuredTensor> forward, CompareBackend backend) throws IOException {
        return check(forward, backend, Long.MAX_VALUE, new int[1]);
    }

    /**
     * As {@link #check(List, CompareBackend)}, reading at most {@code budget} bytes a second time (in
     * forward order); {@code unread[0]} counts the candidate layers left unread.
     */
    static List<Finding> check(List<MeasuredTensor> forward, CompareBackend backend, long budget, int[] unread)
            throws IOException {
        List<Dead> found = new ArrayList<>();
        long spent = 0;
        for (MeasuredTensor t : forward) {
            if (!candidate(t)) continue;
            ZeroIndices zero = backend.zeroIndices(t.entry(), DIM, budget - spent);
            spent += zero.bytesRead();
            if (!zero.complete()) {
                unread[0]++;
                continue;
            }
            Optional<Dead> d = dead(t, zero);
            if (d.isEmpty()) continue;
            Dead upstream = found.stream().filter(u -> u.width == d.get().width && u.indices.containsAll(d.get().indices))
                    .findFirst().orElse(null);
            if (upstream != null) upstream.downstream.add(t.name());
            else found.add(d.get());
        }
        List<Finding> out = new ArrayList<>();
        for (Dead d : found) {
            String also = d.downstream.isEmpty() ? "" : "; the same indices are zero downstream in " + String.join(", ", d.downstream);
            out.add(new Finding(Finding.Kind.DEAD_UNITS, d.layer, DIM, d.indices, d.detail + also));
        }
        return out;
    }

    private record Dead(String layer, long width, List<Integer> indices, String detail, List<String> downstream) {}

    /** The dead units of one candidate layer, from its all-zero indices and its first pass's zero count. */
    private static Optional<Dead> dead(MeasuredTensor t, ZeroIndices s) {
        if (s.indices().length == 0) return Optional.empty();
        List<Integer> dead = new ArrayList<>();
        for (int i : s.indices()) dead.add(i);
        int live = s.size() - dead.size();
        long m = s.elements();
        long liveZeros = t.histogram().zero() - dead.size() * m;
        double z = (double) liveZeros / ((double) live * m);
        double log10Chance = z == 0 ? Double.NEGATIVE_INFINITY : Math.log10(live) + m * Math.log10(z);
        if (log10Chance > Math.log10(CHANCE)) return Optional.empty();
        String chance = z == 0 ? "the others are never zero" : String.format(
                "the others are zero at a rate of %.3g, so a live one would be all zero by chance with probability 10^%.0f",
                z, log10Chance);
        String detail = String.format("%d of %d indices of dim %d (%s) are zero in all %d values each (every batch element"
                + " and position); %s", dead.size(), s.size(), DIM, Localized.ranges(dead), m, chance);
        return Optional.of(new Dead(t.name(), s.size(), dead, detail, new ArrayList<>()));
    }
}
