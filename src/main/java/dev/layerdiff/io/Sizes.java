package dev.layerdiff.io;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as users write them: {@code 1000}, {@code 64G}, {@code 512MiB}. */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

    private Sizes() {}

    /** Bytes, or a number with K, M, G or T (powers of 1024, optionally followed by iB or B). */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a size (bytes, or a number with K, M, G or T)");
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > Long.MAX_VALUE >> shift) throw new NumberFormatException();
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }
}
