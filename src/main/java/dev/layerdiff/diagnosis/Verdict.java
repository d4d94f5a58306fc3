package dev.layerdiff.diagnosis;

import java.util.Locale;

/** What a group of tensors shows as a whole. */
public enum Verdict {
    /** Identical, or every layer within tolerance. */
    OK,
    /** Layers differ beyond tolerance, but every difference is what the precision explains. */
    NOISE,
    /** A layer introduces error that the precision does not explain. */
    BUG,
    /**
     * Layers differ by an amount the dumps cannot bound (statistics alone: a checksum differs where every
     * statistic agrees), and no layer is shown to introduce a bug: neither noise nor a bug can be told.
     */
    UNDETERMINED;

    /** Key used in JSON and on the terminal. */
    public String jsonName() { return this == UNDETERMINED ? "not_determined" : name().toLowerCase(Locale.ROOT); }
}
