package dev.layerdiff.io;

/**
 * Text from a file, made safe to print as part of one line: control characters (a NUL turns a log into
 * "binary file matches" for grep; a newline lets a tensor name pose as a second message), line and
 * paragraph separators and invisible format characters (bidi overrides) are written as escapes:
 * {@code \n}, {@code \r}, {@code \t}, {@code \xNN}, {@code \}{@code uNNNN} or {@code \UNNNNNNNN}.
 * Anything else is kept.
 */
public final class Printable {
    private Printable() {}

    /** {@code text} with every unsafe character escaped; the same string when there is none. */
    public static String of(String text) {
        if (text == null) return "null";
        int first = 0;
        while (first < text.length() && !unsafe(text.codePointAt(first))) first += Character.charCount(text.codePointAt(first));
        if (first == text.length()) return text;
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (!unsafe(c)) sb.appendCodePoint(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else if (c < 0x100) sb.append(String.format("\\x%02x", c));
            else if (c < 0x10000) sb.append(String.format("\\u%04x", c));
            else sb.append(String.format("\\U%08x", c));
        }
        return sb.toString();
    }

    /** A lone surrogate is its own code point here, of type SURROGATE; a valid pair is one code point. */
    private static boolean unsafe(int c) {
        if (c >= 0x20 && c < 0x7f) return false; // the common case: printable ASCII
        switch (Character.getType(c)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SURROGATE:
                return true;
            default:
                return false;
        }
    }
}
