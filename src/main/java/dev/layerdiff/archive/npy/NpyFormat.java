package dev.layerdiff.archive.npy;

import dev.layerdiff.archive.AbstractFormat;
import dev.layerdiff.archive.Archive;
import java.io.IOException;
import java.nio.file.Path;

/** A single .npy file (np.save), recognised by its magic string. */
public final class NpyFormat extends AbstractFormat {

    public NpyFormat() {
        super("npy", ".npy", "npy");
    }

    @Override
    public Confidence recognise(Path path, byte[] head) {
        return NpyHeader.hasMagic(head) ? Confidence.MAGIC : Confidence.NONE;
    }

    @Override
    public Archive open(Path path) throws IOException {
        return NpyReader.open(path);
    }
}
