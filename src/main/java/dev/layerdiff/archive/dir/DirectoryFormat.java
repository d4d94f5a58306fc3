package dev.layerdiff.archive.dir;

import dev.layerdiff.archive.AbstractFormat;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ReadLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A directory of per-tensor files, each of any single-file format ({@link DirectoryReader}). */
public final class DirectoryFormat extends AbstractFormat {

    public DirectoryFormat() {
        super("dir", "a directory of per-tensor files");
    }

    @Override
    public Confidence recognise(Path path, byte[] head) {
        return Files.isDirectory(path) ? Confidence.MAGIC : Confidence.NONE;
    }

    @Override
    public Archive open(Path path) throws IOException {
        return DirectoryReader.open(path, ReadLimits.DEFAULTS);
    }

    @Override
    public Archive open(Path path, ReadLimits limits) throws IOException {
        return DirectoryReader.open(path, limits);
    }
}
