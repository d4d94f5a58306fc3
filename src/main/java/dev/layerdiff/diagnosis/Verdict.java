package dev.layerdiff.diagnosis;

import java.util.Locale;

/** What a group of tensors shows as a whole. */
public enum Verdict {
    /** Identical, or every layer within tolerance. */
    OK,
    /** Layers differ beyond tolerance, but every difference is what the precision explains. */
    NOISE,
    /** A layer introduces error that the precision does not explain. */
    BUG;

    /** Key used in JSON and on the terminal. */
    public String jsonName() { return name().toLowerCase(Locale.ROOT); }
}
