package dev.layerdiff.archive;

import java.io.IOException;
import java.nio.file.Path;

/** Opens any dump of the installed formats ({@link ArchiveFormats#installed()}). */
public final class Archives {
    private Archives() {}

    /**
     * Opens a directory of per-tensor files, a .npy, .npz, .safetensors or torch.save (zip) file, or a
     * file of any other format on the class path.
     *
     * @throws ArchiveException if the file is missing, empty, of an unknown or unsupported format, or
     *     malformed; the message names the file and the problem
     */
    public static Archive open(Path path) throws IOException {
        return ArchiveFormats.installed().open(path);
    }

    /** As {@link #open(Path)}, within {@code limits}. */
    public static Archive open(Path path, ReadLimits limits) throws IOException {
        return ArchiveFormats.installed().open(path, limits);
    }
}
