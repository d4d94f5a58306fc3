package dev.layerdiff.archive.npy;

import dev.layerdiff.archive.AbstractFormat;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ReadLimits;
import dev.layerdiff.archive.zip.ZipDirectory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A .npz (np.savez, np.savez_compressed): any zip that no surer format claims, so that a damaged zip
 * is explained by the zip reader whatever its name.
 */
public final class NpzFormat extends AbstractFormat {

    public NpzFormat() {
        super("npz", ".npz", "npz");
    }

    @Override
    public Confidence recognise(Path path, byte[] head) {
        return ZipDirectory.hasMagic(head) ? Confidence.MAGIC : Confidence.NONE;
    }

    @Override
    public Archive open(Path path) throws IOException {
        return open(path, ReadLimits.DEFAULTS);
    }

    @Override
    public Archive open(Path path, ReadLimits limits) throws IOException {
        return ZipDirectory.open(path, (p, file, members) -> NpzReader.open(p, file, members, limits));
    }
}
