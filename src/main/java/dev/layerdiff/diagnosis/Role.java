package dev.layerdiff.diagnosis;

import java.util.Locale;

/** What one layer's error is, seen along its group's walk. */
public enum Role {
    /** Within tolerance. */
    OK,
    /** Beyond tolerance, and explained by the precision (and what it inherits). */
    NOISE,
    /** Error that neither the precision nor the layers before it explain: where a bug enters. */
    INTRODUCED,
    /** Beyond tolerance after a layer that introduced error, and explained by it. */
    INHERITED,
    /** Different, by an amount its dump does not bound (statistics alone), and nothing upstream explains. */
    UNDETERMINED;

    /** Key used in JSON and on the terminal. */
    public String jsonName() { return this == UNDETERMINED ? "not_determined" : name().toLowerCase(Locale.ROOT); }
}
