package dev.layerdiff.capture;

/** Turns libtorch's multi-line c10::Error messages (with C++ backtraces) into one readable line. */
final class Errors {
    private Errors() {}

    static String firstLine(Throwable t) {
        String m = t.getMessage();
        if (m == null) return t.getClass().getSimpleName();
        for (String line : m.split("\n")) {
            String s = line.strip();
            // c10::Error messages open with the check that failed, then "Exception raised from ..." and frames.
            if (!s.isEmpty() && !s.startsWith("Exception raised from") && !s.startsWith("frame #")) return s;
        }
        return m.strip();
    }

    /** The most specific line of a TorchScript interpreter error: the last "RuntimeError:"-style line if any. */
    static String scriptError(Throwable t) {
        String m = t.getMessage();
        if (m == null) return t.getClass().getSimpleName();
        String best = null;
        for (String line : m.split("\n")) {
            String s = line.strip();
            if (s.matches("^[A-Za-z]*Error: .*")) best = s;
        }
        return best != null ? best : firstLine(t);
    }
}
