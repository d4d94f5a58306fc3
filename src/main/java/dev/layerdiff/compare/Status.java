package dev.layerdiff.compare;

/** Outcome of one layer's comparison. */
public enum Status {
    /** Every element within tolerance. */
    OK("ok"),
    /** At least one element outside tolerance. */
    DIVERGED("diverged"),
    /** Paired by name but the shapes (or element counts) differ; no metrics. */
    SHAPE_MISMATCH("shape_mismatch"),
    /** Only the reference has this tensor. */
    ONLY_IN_REFERENCE("only_in_reference"),
    /** Only the candidate has this tensor. */
    ONLY_IN_CANDIDATE("only_in_candidate");

    private final String jsonName;

    Status(String jsonName) { this.jsonName = jsonName; }

    /** Key used in JSON reports and the terminal table. */
    public String jsonName() { return jsonName; }

    /** Whether this outcome makes the comparison fail (exit code 1). */
    public boolean isFailure() { return this != OK; }
}
