package dev.layerdiff.diagnosis;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.Measured;
import dev.layerdiff.stats.TensorSummary;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The health of a single run, from its own values: where NaN or Inf first appear, gradients that
 * explode or vanish, dead units, float16/bfloat16 values at the edge of their range, constant layers.
 * Each group is walked as the comparison walks it (activations forward, gradients from the output
 * backward, placed by name at their activation). Every tensor is read once for its statistics and
 * histogram; only layers whose zero count leaves room for dead units are read a second time.
 *
 * <p>A finding needs evidence a healthy run does not give: non-finite values, a fitted gradient trend
 * of {@link GradientTrend#ORDERS} orders of magnitude, units zero beyond {@link DeadUnits#CHANCE},
 * values within a doubling of the format's overflow or {@link RangeEdge#SUBNORMAL_SHARE} subnormal,
 * values that are all equal.
 */
public final class HealthCheck {
    /** The dead-unit test's second read per side of a comparison: this share of the bytes compared ... */
    static final int BUDGET_DIVISOR = 20;
    /** ... but at least this many bytes, so that small dumps are read whole. */
    static final long MIN_BUDGET = 64L << 20;

    private HealthCheck() {}

    /**
     * Checks both sides of a comparison, from the statistics it already has, and returns the diagnosis
     * with each side's health (named as the report names the two sides). The second read for dead units
     * is held to a twentieth of the bytes compared per side (at least 64 MiB), so that the whole
     * diagnosis stays a small share of the comparison ({@link Health#unread} counts what was left out).
     */
    public static Diagnosis ofBothSides(Diagnosis diagnosis, Report report, Archive ref, Archive cand, CompareBackend backend)
            throws IOException {
        long bytes = 0;
        for (TensorEntry t : ref.tensors()) bytes += t.byteSize();
        for (TensorEntry t : cand.tensors()) bytes += t.byteSize();
        long budget = Math.max(MIN_BUDGET, bytes / BUDGET_DIVISOR);
        return diagnosis.withHealth(side(report, true, ref, backend, budget), side(report, false, cand, backend, budget));
    }

    /**
     * One side's health: the statistics the comparison has (decoded when the checks ask, one side at a
     * time: a million layers' statistics as objects would not fit the heap a comparison fits in), and
     * those of the tensors it did not compare.
     */
    private static Health side(Report report, boolean reference, Archive archive, CompareBackend backend, long budget)
            throws IOException {
        Map<String, Measured> known = new HashMap<>(2 * report.layers().size());
        for (LayerReport l : report.layers()) {
            if (l.stats() == null) continue;
            if (reference && l.stats().hasReference()) known.put(l.name(), l.stats().reference());
            if (!reference && l.stats().hasCandidate()) known.put(l.candidateName(), l.stats().candidate());
        }
        List<TensorEntry> tensors = archive.tensors();
        List<TensorEntry> missing = tensors.stream().filter(t -> !known.containsKey(t.name())).toList();
        List<TensorSummary> read = backend.summarize(missing);
        for (int i = 0; i < missing.size(); i++) known.put(missing.get(i).name(), read.get(i));
        List<Measured> measured = new ArrayList<>(tensors.size());
        for (TensorEntry t : tensors) measured.add(known.get(t.name()));
        return check(reference ? report.reference() : report.candidate(), tensors, measured, backend, budget);
    }

    /** Checks one archive's tensors: summarizes each through the backend, then judges. */
    public static Health check(String archive, List<TensorEntry> tensors, CompareBackend backend) throws IOException {
        return check(archive, tensors, backend.summarize(tensors), backend);
    }

    /**
     * Checks tensors whose summaries are already known (a comparison has both sides' statistics);
     * {@code backend} reads the few layers that need a second pass.
     */
    public static Health check(String archive, List<TensorEntry> tensors, List<? extends Measured> summaries,
                               CompareBackend backend) throws IOException {
        return check(archive, tensors, summaries, backend, Long.MAX_VALUE);
    }

    /**
     * As above, reading at most {@code budget} bytes a second time for dead units (a comparison keeps
     * its own cost bounded this way); {@link Health#unread} counts the layers left out.
     */
    public static Health check(String archive, List<TensorEntry> tensors, List<? extends Measured> summaries,
                               CompareBackend backend, long budget) throws IOException {
        if (tensors.size() != summaries.size()) {
            throw new IllegalArgumentException(archive + ": " + tensors.size() + " tensors but " + summaries.size() + " summaries");
        }
        List<MeasuredTensor> all = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            all.add(new MeasuredTensor(tensors.get(i), summaries.get(i)));
        }
        Map<Group, List<MeasuredTensor>> walks = walks(all);
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<Group, List<MeasuredTensor>> w : walks.entrySet()) nonfiniteOrigin(w.getKey(), w.getValue()).ifPresent(findings::add);
        GradientTrend.check(GradientTrend.chain(walks.get(Group.GRADIENTS))).ifPresent(findings::add);
        List<String> initialised = new ArrayList<>();
        for (MeasuredTensor t : all) {
            if (!t.entry().dtype().isFloatingPoint()) continue;
            RangeEdge.check(t).ifPresent(findings::add);
            if (initialised(t)) initialised.add(t.name());
            else constant(t).ifPresent(findings::add);
        }
        int[] unread = new int[1];
        findings.addAll(DeadUnits.check(walks.get(Group.ACTIVATIONS), backend, budget, unread));
        // Stable: within a kind, walk order for the per-group findings and archive order for the rest.
        findings.sort(Comparator.comparing(Finding::kind));
        return new Health(archive, tensors.size(), findings, unread[0], initialised);
    }

    /**
     * Each group in the order its values flow: activations in the archive's order, gradient groups
     * from the output backward (as {@code compare.Report.walk} orders a comparison's layers).
     */
    static Map<Group, List<MeasuredTensor>> walks(List<MeasuredTensor> all) {
        Map<String, Integer> activationOrder = new HashMap<>();
        for (MeasuredTensor t : all) if (t.group() == Group.ACTIVATIONS) activationOrder.putIfAbsent(t.name(), t.entry().order());
        Map<Group, List<MeasuredTensor>> walks = new EnumMap<>(Group.class);
        for (Group g : Group.values()) {
            List<MeasuredTensor> walk = new ArrayList<>();
            for (MeasuredTensor t : all) if (t.group() == g) walk.add(t);
            if (g.walksBackward()) {
                walk.sort(Comparator.comparingLong((MeasuredTensor t) ->
                        Group.executionKey(t.name(), t.entry().order(), activationOrder)).reversed());
            }
            walks.put(g, walk);
        }
        return walks;
    }

    /** The first tensor of a walk with NaN or Inf, and what the walk shows of how they spread. */
    static Optional<Finding> nonfiniteOrigin(Group g, List<MeasuredTensor> walk) {
        int at = 0;
        while (at < walk.size() && walk.get(at).nonfinite() == 0) at++;
        if (at == walk.size()) return Optional.empty();
        MeasuredTensor t = walk.get(at);
        SideStats s = t.stats();
        String where = switch (g) {
            case ACTIVATIONS -> "the first activation with NaN or Inf in forward order";
            case GRADIENTS -> "the first gradient with NaN or Inf from the output backward";
            case PARAM_GRADS -> "the first parameter gradient with NaN or Inf from the output backward";
        };
        StringBuilder detail = new StringBuilder(String.format("%s: %d Inf and %d NaN of %d values",
                where, s.inf(), s.nan(), s.count()));
        RangeEdge.Format.of(t.entry().dtype()).ifPresent(f -> {
            if (s.inf() > 0 && t.maxAbs() >= f.topBinade()) {
                detail.append(String.format("; its finite values reach %.5g, the %s limit: overflow", t.maxAbs(), f.dtype.displayName()));
            }
        });
        if (s.nan() == 0) {
            for (int i = at + 1; i < walk.size(); i++) {
                if (walk.get(i).stats().nan() > 0) {
                    detail.append("; NaN first appears at ").append(walk.get(i).name());
                    break;
                }
            }
        }
        return Optional.of(Finding.of(Finding.Kind.NONFINITE_ORIGIN, t.name(), detail.toString()));
    }

    /**
     * Constant as initialisation leaves a parameter or buffer that a dump records beside the activations
     * (msprobe records a call's weight, bias and running statistics as its inputs): 1-D, with every value
     * 0 or every value 1. An activation has a batch dimension, so it is never 1-D in such a dump.
     */
    static boolean initialised(MeasuredTensor t) {
        SideStats s = t.stats();
        return t.group() == Group.ACTIVATIONS && t.entry().shape().length == 1 && allEqual(s) && (s.min() == 0 || s.min() == 1);
    }

    /** More than one value, all finite and equal. */
    private static boolean allEqual(SideStats s) {
        return s.count() >= 2 && s.finite() == s.count() && s.min() == s.max();
    }

    /**
     * An activation whose values are all equal, or a gradient that is zero everywhere (a constant
     * gradient that is not zero is what a mean over the output gives, so it says nothing wrong).
     */
    static Optional<Finding> constant(MeasuredTensor t) {
        SideStats s = t.stats();
        if (!allEqual(s)) return Optional.empty();
        boolean zero = s.min() == 0;
        if (t.group() != Group.ACTIVATIONS) {
            return zero ? Optional.of(Finding.of(Finding.Kind.CONSTANT, t.name(),
                    String.format("all %d values are 0: no gradient reaches it", s.count()))) : Optional.empty();
        }
        return Optional.of(Finding.of(Finding.Kind.CONSTANT, t.name(), zero
                ? String.format("all %d values are 0", s.count())
                : String.format("all %d values equal %.6g", s.count(), s.min())));
    }
}
