package dev.layerdiff.archive;

import java.io.IOException;

/**
 * A file that cannot be read as an archive: malformed, truncated, hostile or unsupported. The message
 * is one line of the form {@code FILE: problem}.
 */
public class ArchiveException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;

    public ArchiveException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ArchiveException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file the problem is in. */
    public String file() { return file; }
}
