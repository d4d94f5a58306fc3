package dev.layerdiff.diagnosis;

import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.compare.Status;
import dev.layerdiff.stats.GrossTest;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.SliceStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells a bug from precision noise. Each group is walked in the order its errors flow (activations
 * forward, gradients from the output backward); a layer <em>introduces</em> error when its relative
 * error exceeds a budget made of what it inherits and what one layer's rounding can add:
 *
 * <pre>  score = e / (GROWTH * upstream + FROM_ZERO * u)</pre>
 *
 * where {@code e} is ||cand - ref|| / ||ref||, {@code upstream} the largest error met so far on the
 * walk (for gradients, the forward pass's too: the loss depends on it) and {@code u} the unit
 * roundoff of the layer's own precision ({@link NoiseFloor}). A layer over budget (score above 1) is
 * read a second time. Its excess is a mask flipped by rounding, which is noise however large its norm,
 * only where a mask could have flipped: the elements carrying it are zero on one side and not on the
 * other (what a flipped ReLU, dropout or routing mask leaves), each within reach of the upstream error
 * (for activations, no further from zero than {@code GROSS} times the upstream error, relative to the
 * tensor's RMS; for gradients,
 * whose masks are the forward pass's, wherever the forward pass differs at all), they are scattered (no
 * slice along dim 0 or 1 is largely made of grossly-off elements), and the error left without them fits
 * the budget. Otherwise the layer is the culprit, and the slice breakdown says where inside the tensor
 * its error sits.
 */
public final class Diagnoser {
    /** How much a layer may amplify the error it inherits. */
    static final double GROWTH = 2;
    /** How many units of error a layer may add by its own rounding (the first noisy layer grows from 0). */
    static final double FROM_ZERO = 4;
    /** An element is grossly off when its error exceeds this many units. */
    static final double GROSS = 8;
    /** A slice with this fraction of grossly-off elements is structured damage, not scattered mask flips. */
    static final double STRUCTURED_FILL = 0.2;
    /** Upstream error this large leaves nothing to compare: no layer after it can be told to introduce more. */
    static final double SIGNAL_LOST = 0.5;
    /** Suspects listed per group. */
    static final int MAX_SUSPECTS = 8;

    private final Precision precision;
    private final SliceSource slices;
    private final Referee referee;

    /**
     * @param precision what the candidate computed in, when its dump does not say (null: judge from
     *                  the dtypes and the data)
     * @param slices    the second read of flagged layers
     */
    public Diagnoser(Precision precision, SliceSource slices) {
        this(precision, slices, null);
    }

    /**
     * @param referee a higher-precision run of the same inputs (null: none): a layer may then also be as
     *                far from it as the reference is, times {@link Referee#allowance}
     */
    public Diagnoser(Precision precision, SliceSource slices, Referee referee) {
        this.precision = precision;
        this.slices = slices;
        this.referee = referee;
    }

    /** Diagnoses a comparison. */
    public Diagnosis diagnose(Report report) throws IOException {
        List<String> notes = new ArrayList<>();
        NoiseFloor floor = NoiseFloor.of(report, precision);
        Map<Group, GroupDiagnosis> groups = new EnumMap<>(Group.class);
        Map<String, LayerDiagnosis> layers = new LinkedHashMap<>();
        double upstream = 0;
        // Masks are set by the forward pass: with no forward pass in the dumps, any may have flipped.
        boolean forwardDiffers = report.walk(Group.ACTIVATIONS).isEmpty();
        boolean bugUpstream = false;
        for (Group g : Group.values()) {
            List<LayerReport> walk = report.walk(g);
            if (walk.isEmpty()) continue;
            double start = g == Group.ACTIVATIONS ? 0 : upstream;
            GroupDiagnosis gd = walk(g, walk, start, bugUpstream, forwardDiffers, floor, layers);
            bugUpstream |= gd.verdict() == Verdict.BUG;
            groups.put(g, gd);
            for (LayerReport l : walk) {
                double e = l.metrics().relativeError();
                double high = l.estimate() != null ? l.estimate().relativeErrorHigh() : e;
                upstream = Math.max(upstream, high == Double.POSITIVE_INFINITY && l.estimate() != null ? high : finiteOrZero(high));
                if (g == Group.ACTIVATIONS) forwardDiffers |= e != 0 || l.status() == Status.DIVERGED;
            }
        }
        if (report.backend().startsWith("cuda") && layers.values().stream().anyMatch(l -> !l.slices().isEmpty())) {
            notes.add("slice breakdowns of flagged layers were computed on the CPU (not yet in the CUDA kernels)");
        }
        return new Diagnosis(floor.unit(), floor.source(), groups, layers, notes, List.of());
    }

    /**
     * Walks one group. {@code start} is the error the group inherits from the groups before it; when
     * those have a bug ({@code bugUpstream}), this group's differences are inherited from it unless one
     * of its own layers introduces more. {@code forwardDiffers}: whether the forward pass differs
     * anywhere, so that a gradient's mask may have flipped.
     */
    private GroupDiagnosis walk(Group g, List<LayerReport> walk, double start, boolean bugUpstream, boolean forwardDiffers,
                                NoiseFloor floor, Map<String, LayerDiagnosis> out) throws IOException {
        double upstream = start;
        boolean nonfiniteUpstream = false, introducedBefore = bugUpstream, diverged = false, undetermined = false;
        String introducedAt = null;
        List<Suspect> culprits = new ArrayList<>(), others = new ArrayList<>();
        for (LayerReport l : walk) {
            double u = floor.unit(l);
            double e = l.metrics().relativeError();
            boolean nonfinite = newNonfinite(l);
            double budget = GROWTH * upstream + FROM_ZERO * u;
            Double refGold = referee == null ? null : referee.reference().get(l.name());
            Double candGold = referee == null ? null : referee.candidate().get(l.name());
            boolean refereed = refGold != null && candGold != null && Double.isFinite(refGold);
            if (refereed) {
                // Judged against the referee: the candidate's distance to it, within what the
                // reference's own distance allows (or the precision and the upstream, whichever is more).
                e = candGold;
                budget = Math.max(budget, Referee.allowance(u) * refGold);
            }
            // Estimated from summaries: a layer is judged by its error's lower bound, and passes its upper bound downstream.
            double judged = l.estimate() != null && !refereed ? l.estimate().relativeErrorLow() : e;
            double passed = l.estimate() != null && !refereed ? l.estimate().relativeErrorHigh() : e;
            double score = nonfinite && !nonfiniteUpstream ? Double.POSITIVE_INFINITY
                    : judged == 0 ? 0 : upstream >= SIGNAL_LOST ? 0
                    : budget == 0 || !Double.isFinite(judged) ? Double.POSITIVE_INFINITY : judged / budget;
            boolean off = l.status() == Status.DIVERGED;
            diverged |= off;
            Role role;
            List<SliceStats> breakdown = List.of();
            Localized where = null;
            if (off && score > 1) {
                SideStats rs = l.referenceStats();
                double rms = Math.sqrt(rs.std() * rs.std() + rs.mean() * rs.mean());
                rms = Double.isFinite(rms) ? rms : 0;
                // How far from a kink a value may sit and still be flipped by the upstream error.
                double reach = g == Group.ACTIVATIONS ? GROSS * upstream * rms
                        : forwardDiffers ? Double.POSITIVE_INFINITY : 0;
                breakdown = List.of(slices.slices(l.name(), new GrossTest(GROSS * u, rms, reach)));
                double fill = ErrorShape.structuredFill(breakdown, l.numel());
                double flipShare = ErrorShape.flipShare(breakdown);
                double rest = score * Math.sqrt(1 - flipShare);
                if (!nonfinite && fill < STRUCTURED_FILL && rest <= 1) {
                    role = introducedBefore ? Role.INHERITED : Role.NOISE;
                    others.add(new Suspect(l.name(), score, String.format(
                            "%.3g units, %.3gx its budget, but %d of its elements are zero on one side only and carry %.3g%%"
                                    + " of its squared error: a ReLU, dropout or routing mask flipped by %s; without them it is"
                                    + " %.2gx its budget", e / u, score, ErrorShape.flips(breakdown), 100 * flipShare,
                            cause(g, upstream, u, reach), rest)));
                } else {
                    role = Role.INTRODUCED;
                    where = ErrorShape.localize(breakdown, l.referenceShape().length, nonfinite);
                    if (introducedAt == null) introducedAt = l.name();
                    introducedBefore = true;
                    String why = l.estimate() != null ? estimatedReason(e, u, score, upstream, nonfinite, l, where)
                            : reason(e, u, score, upstream, nonfinite, ErrorShape.grossFraction(breakdown, l.numel()), fill, where);
                    if (!nonfinite && fill < STRUCTURED_FILL) why += notFlips(g, upstream, forwardDiffers, flipShare, rest);
                    if (refereed) why += String.format("; against the referee %s: %.3g, the reference's own %.3g",
                            referee.source(), candGold, refGold);
                    culprits.add(new Suspect(l.name(), score, why));
                }
            } else if (off && !introducedBefore && Double.isInfinite(passed) && l.estimate() != null) {
                role = Role.UNDETERMINED;
                undetermined = true;
            } else if (off) {
                role = introducedBefore ? Role.INHERITED : Role.NOISE;
            } else {
                role = Role.OK;
            }
            double own = l.metrics().relativeError();
            out.put(l.name(), new LayerDiagnosis(l.name(), g, own, u, u == 0 ? Double.NaN : own / u, score, role, breakdown, where));
            upstream = Math.max(upstream, passed == Double.POSITIVE_INFINITY && l.estimate() != null ? passed : finiteOrZero(passed));
            nonfiniteUpstream |= nonfinite;
        }
        Verdict verdict = introducedAt != null || (bugUpstream && diverged) ? Verdict.BUG
                : undetermined ? Verdict.UNDETERMINED : diverged ? Verdict.NOISE : Verdict.OK;
        others.sort(Comparator.comparingDouble(Suspect::score).reversed());
        List<Suspect> suspects = new ArrayList<>(culprits);
        suspects.addAll(others);
        return new GroupDiagnosis(g, verdict, introducedAt, floor.unit(walk), suspects.subList(0, Math.min(MAX_SUSPECTS, suspects.size())));
    }

    /** What flipped the masks of a layer judged noise, in words a user can check. */
    private static String cause(Group g, double upstream, double u, double reach) {
        if (g != Group.ACTIVATIONS) return String.format("the forward pass's differences (%.3g units upstream)", upstream / u);
        return String.format("%.3g units of upstream error, each flipped value within %.3g of zero", upstream / u, reach);
    }

    /** Why a sparse culprit's gross elements are not mask flips, in words a user can check. */
    private static String notFlips(Group g, double upstream, boolean forwardDiffers, double flipShare, double rest) {
        if (g == Group.ACTIVATIONS ? upstream == 0 : !forwardDiffers) {
            return g == Group.ACTIVATIONS ? "; not mask flips: its upstream is exact, so no mask could flip"
                    : "; not mask flips: the forward pass is bit-identical, so no mask could flip";
        }
        if (flipShare == 0) return "; not mask flips: none of its grossly-off elements is zero on one side within reach of the upstream error";
        return String.format("; not mask flips: its zero flips carry %.3g%% of its squared error, and the rest is %.3gx its budget",
                100 * flipShare, rest);
    }

    private static String reason(double e, double u, double score, double upstream, boolean nonfinite,
                                 double gross, double fill, Localized where) {
        if (nonfinite) return "the first layer where the candidate has NaN or Inf that the reference does not";
        String from = upstream == 0 ? "from an exact upstream" : String.format("from %.3g units upstream", upstream / u);
        String shape = String.format("%.0f%% of its elements more than %.0f units off (%.0f%% of its worst slice)",
                100 * gross, GROSS, 100 * fill);
        return String.format("error jumps to %.3g (%.3g units) %s, %.3gx what precision and upstream explain; %s%s",
                e, e / u, from, score, shape, where == null ? "" : "; in " + where.describe());
    }

    /** The reason of a layer judged from summaries: the estimate and its bounds, and what could not be read. */
    private static String estimatedReason(double e, double u, double score, double upstream, boolean nonfinite, LayerReport l,
                                          Localized where) {
        if (nonfinite) return "the first layer where the candidate has NaN or Inf that the reference does not (counted in the summaries)";
        String from = upstream == 0 ? "from an exact upstream" : String.format("from %.3g units upstream", upstream / u);
        if (Double.isInfinite(l.estimate().relativeErrorHigh())) {
            return String.format("error of at least %.3g (%.3g units) %s, %.3gx what precision and upstream explain; a lower bound"
                    + " from the recorded statistics (norms, means, extremes); no slice breakdown (the values were not kept)",
                    l.estimate().relativeErrorLow(), l.estimate().relativeErrorLow() / u, from, score);
        }
        return String.format("error jumps to ~%.3g (%.3g units) %s, %.3gx what precision and upstream explain; estimated from"
                        + " summaries, between %.3g and %.3g%s", e, e / u, from, score, l.estimate().relativeErrorLow(),
                l.estimate().relativeErrorHigh(), where == null ? "" : "; by the slices' sketches, in " + where.describe());
    }

    /** NaN or Inf in the candidate beyond the reference's own. */
    private static boolean newNonfinite(LayerReport l) {
        SideStats r = l.referenceStats(), c = l.candidateStats();
        return c.nan() + c.inf() > r.nan() + r.inf();
    }

    private static double finiteOrZero(double x) {
        return Double.isFinite(x) ? x : 0;
    }
}
