package dev.layerdiff.engine;

import java.util.Locale;

/**
 * Which backend to run on. Resolved by precedence: an explicit choice (the {@code --device} option), then
 * the system property {@code layerdiff.device}, then the environment variable {@code LAYERDIFF_DEVICE},
 * then {@link #AUTO}. An unknown value is an error, never silently ignored.
 */
public enum Device {
    /** CUDA when its probe succeeds, else the CPU. */
    AUTO,
    /** The CPU backend. */
    CPU,
    /** The CUDA backend; an error if it is unavailable. */
    CUDA;

    public static final String PROPERTY = "layerdiff.device";
    public static final String ENVIRONMENT = "LAYERDIFF_DEVICE";

    /** Parses {@code auto}, {@code cpu} or {@code cuda} (any case); {@code source} names where it came from. */
    public static Device parse(String value, String source) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": unknown device '" + value + "' (expected auto, cpu or cuda)");
        }
    }

    /** Resolves the device from an explicit choice (may be null), the property, the environment, or AUTO. */
    public static Device resolve(String explicit) {
        if (explicit != null) return parse(explicit, "--device");
        String property = System.getProperty(PROPERTY);
        if (property != null) return parse(property, "-D" + PROPERTY);
        String env = System.getenv(ENVIRONMENT);
        if (env != null && !env.isBlank()) return parse(env, ENVIRONMENT);
        return AUTO;
    }
}
