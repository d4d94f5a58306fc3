package dev.layerdiff.archive;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;

/** JSON parse failures as the one-line problem an {@link ArchiveException} states. */
public final class JsonProblems {
    private JsonProblems() {}

    /** {@code malformed JSON at byte N: what Jackson found}, on one line. */
    public static String describe(JacksonException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getByteOffset() < 0 ? "" : " at byte " + at.getByteOffset();
        String what = String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ").strip();
        return "malformed JSON" + where + ": " + what;
    }
}
