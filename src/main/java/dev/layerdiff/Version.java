package dev.layerdiff;

/** The version of layerdiff, from the jar manifest (or "dev" when run from classes). */
public final class Version {
    private Version() {}

    /** e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
