package dev.layerdiff.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One dump format: how to recognise its files and how to open them. Formats are found with
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services/dev.layerdiff.archive.ArchiveFormat}),
 * so a new format is a class and a line there; {@link ArchiveFormats} opens a file with the format
 * surest of it.
 */
public interface ArchiveFormat {

    /** How sure a format is that a file is one of its own; a surer format wins. */
    enum Confidence {
        /** Not this format, or it cannot tell. */
        NONE,
        /** One telling byte, e.g. a pickle's PROTO opcode: beaten by anything better. */
        HINT,
        /** The layout fits though there is no magic: safetensors' length, then '{'. */
        LAYOUT,
        /** The format's magic bytes (for a directory: being one). */
        MAGIC,
        /** Magic bytes and a member only this format has (a torch.save zip's data.pkl, where any zip is MAGIC). */
        CONTENT
    }

    /** Short name, as {@link Archive#format()} gives it for files of this format. */
    String name();

    /** The format as an error message lists it: {@code .npy}, {@code a torch.save zip}. */
    String description();

    /**
     * Extensions (lower case, no dot) of files this format explains when no format recognises their
     * content: its reader says best what is damaged. Empty for a format that is not a single file.
     */
    List<String> extensions();

    /**
     * How sure this format is that {@code path} is one of its own, from {@code head}, the file's first
     * {@link ArchiveFormats#HEAD} bytes or fewer (empty for a directory). A file it cannot judge is
     * {@link Confidence#NONE}: {@link #open} of the chosen format reports what is wrong.
     */
    Confidence recognise(Path path, byte[] head);

    /**
     * Opens {@code path}; the data stays in the file.
     *
     * @throws ArchiveException if it is malformed or unsupported; the message names the file and the problem
     */
    Archive open(Path path) throws IOException;

    /**
     * Opens {@code path} within {@code limits}; a format whose reading they bound (a deflating one)
     * overrides this, the others ignore them.
     */
    default Archive open(Path path, ReadLimits limits) throws IOException {
        return open(path);
    }
}
