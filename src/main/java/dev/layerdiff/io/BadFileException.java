package dev.layerdiff.io;

import java.io.IOException;

/**
 * A file that cannot be used as it is: malformed, truncated, hostile, unsupported or changed while being
 * read. The message is one line of the form {@code FILE: problem}, with the file's own bytes (names,
 * header text) made {@link Printable}.
 */
public class BadFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;

    public BadFileException(String file, String problem) {
        super(Printable.of(file) + ": " + Printable.of(problem));
        this.file = file;
    }

    public BadFileException(String file, String problem, Throwable cause) {
        super(Printable.of(file) + ": " + Printable.of(problem), cause);
        this.file = file;
    }

    /** The file the problem is in. */
    public String file() { return file; }
}
