package dev.layerdiff.compare;

/**
 * A per-layer tolerance, {@code GLOB=RTOL,ATOL}: layers whose name matches the glob ({@code *} any run
 * of characters, {@code ?} one character, everything else literal; matched against the whole name)
 * use this tolerance.
 */
public record ToleranceRule(String glob, Tolerance tolerance) {

    /** Parses {@code GLOB=RTOL,ATOL}; throws IllegalArgumentException with a user-facing message. */
    public static ToleranceRule parse(String spec) {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--tol '" + spec + "': expected GLOB=RTOL,ATOL");
        String[] parts = spec.substring(eq + 1).split(",", -1);
        if (parts.length != 2) throw new IllegalArgumentException("--tol '" + spec + "': expected GLOB=RTOL,ATOL");
        try {
            return new ToleranceRule(spec.substring(0, eq),
                    new Tolerance(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tol '" + spec + "': " + e.getMessage());
        }
    }

    /** Whether this rule applies to a layer name. */
    public boolean matches(String name) {
        return Glob.of(glob).matches(name);
    }
}
