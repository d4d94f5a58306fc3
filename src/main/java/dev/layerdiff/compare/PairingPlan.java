package dev.layerdiff.compare;

import java.io.Serializable;
import java.util.List;

/**
 * Which tensor of the reference meets which of the candidate, with what tolerance, and by which rule
 * they were paired: what {@link LayerDiff#plan} decides from the two archives' headers before any
 * element is read. It names
 * tensors, so it can be built once, shipped (it is {@link Serializable}) and run wherever both
 * archives can be opened.
 *
 * @param pairs reference tensors in the reference's order, then candidate-only tensors in theirs
 */
public record PairingPlan(List<Pair> pairs) implements Serializable {
    private static final long serialVersionUID = 1L;

    public PairingPlan {
        pairs = List.copyOf(pairs);
    }

    /** What the plan does with one name. */
    public enum Kind {
        /** Both sides have it with the same shape: compared element by element. */
        COMPARE,
        /** Both sides have it, with different shapes. */
        SHAPE_MISMATCH,
        ONLY_IN_REFERENCE,
        ONLY_IN_CANDIDATE
    }

    /** Why two tensors were paired, by precedence: each rule pairs only what the ones before it left. */
    public enum Match {
        /** The same name (after {@code --map}). */
        NAME("name"),
        /** The same name once dump layouts are normalised ({@link Group#layoutKey}): {@code activations/conv1} and {@code conv1}. */
        LAYOUT("layout"),
        /** Each side holds exactly one tensor. */
        SINGLE("single"),
        /** The same position and shape in both archives' order, names aside ({@code --match order}). */
        ORDER("order");

        private final String jsonName;

        Match(String jsonName) { this.jsonName = jsonName; }

        /** Key used in JSON reports. */
        public String jsonName() { return jsonName; }

        /** Whether the two names may differ entirely, so a report should show both. */
        public boolean namesDiffer() { return this == SINGLE || this == ORDER; }
    }

    /**
     * One row of the plan.
     *
     * @param name          the layer's name (the reference's; the mapped candidate name when only the candidate has it)
     * @param referenceName the reference tensor's name, or null
     * @param candidateName the candidate tensor's name before renaming, or null
     * @param order         position in its archive's order
     * @param kind          what is done with it
     * @param tolerance     the tolerance for {@link Kind#COMPARE}, else null
     * @param match         why the two were paired, or null when one side is absent
     */
    public record Pair(String name, String referenceName, String candidateName, int order, Kind kind,
                       Tolerance tolerance, Match match) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The rows compared element by element, in plan order. */
    public List<Pair> compared() {
        return pairs.stream().filter(p -> p.kind == Kind.COMPARE).toList();
    }
}
