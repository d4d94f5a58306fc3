package dev.layerdiff.report;

/**
 * The terminal table's colours (SGR codes): status and role cells, the first-divergence marks and the
 * verdict line. Off, every method returns its text unchanged, so the layout never depends on colour.
 */
final class Ansi {
    private static final String RESET = "\u001B[0m";
    private static final String BOLD = "\u001B[1m";
    private static final String RED = "\u001B[31m";
    private static final String BOLD_RED = "\u001B[1;31m";
    private static final String GREEN = "\u001B[32m";
    private static final String YELLOW = "\u001B[33m";

    private final boolean on;

    Ansi(boolean on) { this.on = on; }

    /** A padded table cell with its text coloured by what it says (padding stays outside the codes). */
    String cell(String column, String text, String padded) {
        String code = switch (column) {
            case "status" -> switch (text) {
                case "ok" -> GREEN;
                case "diverged" -> RED;
                default -> YELLOW;
            };
            case "role" -> switch (text) {
                case "introduced" -> BOLD_RED;
                case "inherited" -> RED;
                default -> null;
            };
            default -> null;
        };
        if (!on || code == null || text.isEmpty()) return padded;
        int at = padded.indexOf(text);
        return padded.substring(0, at) + code + text + RESET + padded.substring(at + text.length());
    }

    String bold(String text) { return on ? BOLD + text + RESET : text; }

    String verdict(String line, boolean passed) { return on ? (passed ? GREEN : BOLD_RED) + line + RESET : line; }
}
