package dev.layerdiff.diagnosis;

import java.util.List;
import java.util.Locale;

/**
 * One thing a single run's own values show to be wrong, without a second run to compare with.
 *
 * @param kind    what was found
 * @param layer   the tensor it was found in (for a gradient trend: the end nearest the input)
 * @param dim     the dimension {@code indices} are along, or null when they do not apply
 * @param indices the indices concerned, ascending, or null
 * @param detail  what was measured, in words
 */
public record Finding(Kind kind, String layer, Integer dim, List<Integer> indices, String detail) {

    public Finding {
        indices = indices == null ? null : List.copyOf(indices);
    }

    /** A finding about a whole tensor (no dimension, no indices). */
    static Finding of(Kind kind, String layer, String detail) {
        return new Finding(kind, layer, null, null, detail);
    }

    /** Kinds of findings, most serious first (the order they are listed in). */
    public enum Kind {
        /** The first layer (forward for activations, from the output backward for gradients) with NaN or Inf. */
        NONFINITE_ORIGIN,
        /** Activation gradients growing by orders of magnitude from the output toward the input. */
        EXPLODING_GRADIENTS,
        /** Activation gradients shrinking by orders of magnitude from the output toward the input. */
        VANISHING_GRADIENTS,
        /** Indices of dim 1 (channels, units) that are zero for every batch element and position. */
        DEAD_UNITS,
        /** float16/bfloat16 values one doubling from overflow, or many of them subnormal. */
        RANGE_EDGE,
        /** An activation whose values are all equal, or a gradient that is zero everywhere. */
        CONSTANT;

        /** Key used in JSON and on the terminal. */
        public String jsonName() { return name().toLowerCase(Locale.ROOT); }
    }
}
