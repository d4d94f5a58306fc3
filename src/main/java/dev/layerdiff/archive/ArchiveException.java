package dev.layerdiff.archive;

import dev.layerdiff.io.BadFileException;

/**
 * A file that cannot be read as an archive: malformed, truncated, hostile or unsupported. The message
 * is one line of the form {@code FILE: problem}.
 */
public class ArchiveException extends BadFileException {
    private static final long serialVersionUID = 1L;

    public ArchiveException(String file, String problem) {
        super(file, problem);
    }

    public ArchiveException(String file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
