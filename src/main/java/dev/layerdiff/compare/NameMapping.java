package dev.layerdiff.compare;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A rename rule {@code REGEX=REPLACEMENT} applied to candidate names before pairing (Java regex and
 * {@code $1}-style replacement, every match replaced). The rule splits at the first {@code =} not
 * preceded by a backslash, so {@code \=} puts a literal {@code =} into the regex.
 */
public record NameMapping(Pattern regex, String replacement) {

    /** Parses {@code REGEX=REPLACEMENT}; throws IllegalArgumentException with a user-facing message. */
    public static NameMapping parse(String spec) {
        int eq = -1;
        for (int i = 0; i < spec.length(); i++) {
            if (spec.charAt(i) == '=' && (i == 0 || spec.charAt(i - 1) != '\\')) {
                eq = i;
                break;
            }
        }
        if (eq <= 0) throw new IllegalArgumentException("--map '" + spec + "': expected REGEX=REPLACEMENT");
        try {
            return new NameMapping(Pattern.compile(spec.substring(0, eq)), spec.substring(eq + 1));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--map '" + spec + "': bad regex: " + e.getDescription());
        }
    }

    /** Applies the rule to a name. */
    public String apply(String name) {
        try {
            return regex.matcher(name).replaceAll(replacement);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--map '" + regex + "=" + replacement + "': bad replacement: "
                    + e.getMessage(), e);
        }
    }

    /** Quotes a literal replacement string (no group references). */
    public static String literal(String s) { return Matcher.quoteReplacement(s); }
}
