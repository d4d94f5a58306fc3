package dev.layerdiff.archive.msprobe;

import dev.layerdiff.archive.AbstractFormat;
import dev.layerdiff.archive.Archive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An msprobe dump ({@link MsprobeReader}): a directory holding a dump.json, or a step directory above one,
 * is surer than a plain directory of per-tensor files; so is a file named dump.json that starts as JSON.
 */
public final class MsprobeFormat extends AbstractFormat {

    public MsprobeFormat() {
        super("msprobe", "an msprobe dump");
    }

    @Override
    public Confidence recognise(Path path, byte[] head) {
        if (Files.isRegularFile(path)) {
            return path.getFileName().toString().equals(DumpLocation.DUMP_JSON) && startsAsObject(head) ? Confidence.MAGIC : Confidence.NONE;
        }
        try {
            return DumpLocation.candidates(path).isEmpty() ? Confidence.NONE : Confidence.CONTENT;
        } catch (IOException | RuntimeException e) {
            return Confidence.NONE;
        }
    }

    private static boolean startsAsObject(byte[] head) {
        for (byte b : head) {
            if (b == '{') return true;
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
        }
        return false;
    }

    @Override
    public Archive open(Path path) throws IOException {
        return MsprobeReader.open(path);
    }
}
