package dev.layerdiff.report.html;

/**
 * One health finding of a single run (dead units, the origin of non-finite values, exploding
 * gradients ...), as the report lists it; the check that finds them is separate.
 *
 * @param side   {@code reference} or {@code candidate}
 * @param kind   the finding's kind, e.g. {@code dead_units}
 * @param layer  the tensor it concerns
 * @param detail what was measured, in words
 */
public record HealthNote(String side, String kind, String layer, String detail) {}
