package dev.layerdiff.diagnosis;

import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The precision each layer is judged in: its unit roundoff u, and in words what set it.
 *
 * <p>Each tensor has its own floor, the coarsest of: its two dtypes; {@code --precision}; and, without
 * {@code --precision}, for a tensor stored wide (float32 or float64 on both sides, which may hide a
 * tf32, fp16 or bf16 run), what the data shows of the precision the runs computed in. That evidence is
 * never the error under judgement: it is the median error of the <em>other</em> wide layers met on the
 * walk before the first error that no standard precision explains (a bug's inherited errors say nothing
 * of the precision), and never the gradients of a bit-identical forward pass (which proves that both
 * runs computed in the same precision, whatever their gradients show).
 */
final class NoiseFloor {
    /** The data's precision is the finest standard one within this factor of the median layer error. */
    static final double TYPICAL_UNITS = 4;

    private final Map<String, Double> units;
    private final double main;
    private final String source;

    /**
     * {@code sources}: why each layer has its floor, in words; null for a layer whose dtypes carry no
     * rounding model (integers), which takes the description of the others with the same floor.
     */
    private NoiseFloor(Map<String, Double> units, Map<String, String> sources) {
        this.units = units;
        // One clause per floor: the reason most of its layers have, and the layers it covers.
        Map<Double, List<String>> byUnit = new LinkedHashMap<>();
        Map<Double, Map<String, Integer>> reasons = new HashMap<>();
        units.forEach((layer, u) -> {
            byUnit.computeIfAbsent(u, k -> new ArrayList<>()).add(layer);
            String why = sources.get(layer);
            if (why != null) reasons.computeIfAbsent(u, k -> new HashMap<>()).merge(why, 1, Integer::sum);
        });
        Double common = byUnit.entrySet().stream().max(Comparator.comparingInt(e -> e.getValue().size()))
                .map(Map.Entry::getKey).orElse(null);
        if (common == null) {
            main = Precision.FP32.unit();
            source = "the dumps' dtypes (fp32)";
            return;
        }
        main = common;
        StringBuilder s = new StringBuilder(reason(reasons.get(common), common));
        byUnit.forEach((u, layers) -> {
            if (u.equals(common)) return;
            s.append(String.format("; u = %.3e for %s, from %s", u,
                    layers.size() == 1 ? layers.get(0) : layers.size() + " layers (" + layers.get(0) + ", ...)", reason(reasons.get(u), u)));
        });
        source = s.toString();
    }

    private static String reason(Map<String, Integer> counts, double unit) {
        if (counts == null) return "the dumps' dtypes (" + nameOf(unit) + ")";
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElseThrow();
    }

    /** The floor of the most layers. */
    double unit() { return main; }

    /** How the floors were chosen, in words: the most layers' first, then the others'. */
    String source() { return source; }

    /** The unit roundoff that {@code layer} is judged against. */
    double unit(LayerReport layer) {
        return units.getOrDefault(layer.name(), main);
    }

    /** The floor of the most layers of a walk. */
    double unit(List<LayerReport> walk) {
        Map<Double, Integer> count = new HashMap<>();
        for (LayerReport l : walk) count.merge(unit(l), 1, Integer::sum);
        // On a tie, the finer floor: the stricter judgement.
        return count.entrySet().stream().max(Map.Entry.<Double, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).map(Map.Entry::getKey).orElse(main);
    }

    /** The floors of a comparison's compared layers (see the class comment). */
    static NoiseFloor of(Report report, Precision precision) {
        Map<Group, List<LayerReport>> walks = new EnumMap<>(Group.class);
        for (Group g : Group.values()) walks.put(g, report.walk(g));
        List<LayerReport> compared = new ArrayList<>();
        double coarsest = 0;
        for (Group g : Group.values()) compared.addAll(walks.get(g));
        for (LayerReport l : compared) coarsest = Math.max(coarsest, dtypeUnit(l));
        // Integers and 8-bit floats carry no rounding model: they take the coarsest float's floor.
        double fallback = coarsest == 0 ? Precision.FP32.unit() : coarsest;
        Evidence evidence = precision == null ? Evidence.of(walks) : null;
        Map<String, Double> units = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        // A handful of distinct reasons among any number of layers: each put in words once, then shared.
        Map<Why, String> words = new HashMap<>();
        for (LayerReport l : compared) {
            double own = dtypeUnit(l) == 0 ? fallback : dtypeUnit(l);
            double u = own;
            Why why = dtypeUnit(l) == 0 ? null : new Why(Why.Kind.DTYPES, own, null);
            if (precision != null && precision.unit() > own) {
                u = precision.unit();
                why = new Why(Why.Kind.PRECISION, own, null);
            } else if (evidence != null && wide(l)) {
                Evidence.Median others = evidence.without(l.name());
                Precision typical = others.count() == 0 ? null : typical(others.value());
                if (typical != null && typical.unit() > own) {
                    u = typical.unit();
                    why = new Why(Why.Kind.DATA, own, typical);
                } else if (typical == null) {
                    why = new Why(Why.Kind.DTYPES_SILENT_DATA, own, null);
                }
            }
            units.put(l.name(), u);
            if (why != null) sources.put(l.name(), words.computeIfAbsent(why, w -> w.words(precision, evidence)));
        }
        return new NoiseFloor(units, sources);
    }

    /** Why a layer has its floor: what set it, its dtypes' unit and, from the data, the precision they show. */
    private record Why(Kind kind, double own, Precision typical) {
        enum Kind { DTYPES, DTYPES_SILENT_DATA, PRECISION, DATA }

        String words(Precision precision, Evidence evidence) {
            return switch (kind) {
                case DTYPES -> "the dumps' dtypes (" + nameOf(own) + ")";
                case DTYPES_SILENT_DATA -> "the dumps' dtypes (" + nameOf(own) + evidence.silence() + ")";
                case PRECISION -> "--precision " + precision.cliName();
                case DATA -> {
                    Evidence.Median all = evidence.without(null);
                    yield String.format("the data: a median layer error of %.2g over %d layers, typical of %s (stored as %s;"
                                    + " no layer is evidence for its own floor)", all.value(), all.count(),
                            typical == Precision.TF32 ? "tf32 or fp16" : typical.cliName(), nameOf(own));
                }
            };
        }
    }

    /**
     * The errors of the wide layers, walked as the diagnosis walks them (forward, then the gradients
     * from the output backward, unless the forward pass is bit-identical) from the start up to the
     * first error that no standard precision explains; those above zero only (an exact layer, a
     * lookup or a copy, says nothing of the precision), sorted.
     */
    private record Evidence(Map<String, Double> byLayer, double[] sorted, boolean exactForward) {
        /** A median and how many errors it was taken over. */
        record Median(double value, int count) {}

        static Evidence of(Map<Group, List<LayerReport>> walks) {
            List<LayerReport> forward = walks.get(Group.ACTIVATIONS);
            boolean exact = !forward.isEmpty() && forward.stream().allMatch(l -> l.metrics().relativeError() == 0);
            Map<String, Double> byLayer = new HashMap<>();
            walk:
            for (Group g : Group.values()) {
                if (g != Group.ACTIVATIONS && exact) break;
                for (LayerReport l : walks.get(g)) {
                    double e = l.metrics().relativeError();
                    if (!(e <= TYPICAL_UNITS * Precision.BF16.unit())) break walk;
                    if (e > 0 && wide(l)) byLayer.put(l.name(), e);
                }
            }
            double[] sorted = byLayer.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Evidence(byLayer, sorted, exact);
        }

        /** The median of every error but {@code layer}'s own. */
        Median without(String layer) {
            Double own = layer == null ? null : byLayer.get(layer);
            int n = sorted.length;
            if (own == null) return new Median(n == 0 ? Double.NaN : sorted[n / 2], n);
            if (n == 1) return new Median(Double.NaN, 0);
            // The median of the n - 1 others: the element at (n - 1) / 2 once one copy of own is left out.
            int at = Arrays.binarySearch(sorted, own), m = (n - 1) / 2;
            return new Median(m < at ? sorted[m] : sorted[m + 1], n - 1);
        }

        /** Why the data raised no floor, where a reader could expect it to. */
        String silence() {
            if (exactForward) return "; the forward pass is bit-identical, so both runs computed in the same precision";
            return sorted.length == 0 ? "" : "; no other layer stored wide shows a lower precision";
        }
    }

    /** The finest standard precision that a median layer error is typical of. */
    private static Precision typical(double median) {
        for (Precision p : new Precision[] {Precision.FP32, Precision.TF32}) {
            if (median <= TYPICAL_UNITS * p.unit()) return p;
        }
        return Precision.BF16;
    }

    /** The coarser unit roundoff of a layer's two dtypes (0 for integers and 8-bit floats). */
    private static double dtypeUnit(LayerReport l) {
        return Math.max(Precision.unitOf(l.referenceDtype()), Precision.unitOf(l.candidateDtype()));
    }

    /** Stored wide on both sides: float32 or float64, which may hold a lower-precision run's values. */
    private static boolean wide(LayerReport l) {
        double u = dtypeUnit(l);
        return u > 0 && u <= Precision.FP32.unit() && Precision.unitOf(l.referenceDtype()) > 0
                && Precision.unitOf(l.candidateDtype()) > 0;
    }

    static String nameOf(double unit) {
        if (unit == Precision.BF16.unit()) return "bf16";
        if (unit == Precision.FP16.unit()) return "fp16";
        if (unit == Precision.FP32.unit()) return "fp32";
        if (unit == Precision.FP64.unit()) return "fp64";
        return String.format("u = %.3g", unit);
    }
}
