package dev.layerdiff.archive.msprobe;

import dev.layerdiff.archive.AbstractFormat;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An msprobe dump ({@link MsprobeReader}): a directory holding a dump.json, or a step directory above one,
 * is surer than a plain directory of per-tensor files; so is a file named dump.json that starts as JSON.
 * What msprobe writes that holds no comparable tensors is recognised to be refused with the reason: a
 * debug-level dump (debug.json) and a .pkl summary (text, one JSON list per line).
 */
public final class MsprobeFormat extends AbstractFormat {

    public MsprobeFormat() {
        super("msprobe", "an msprobe dump");
    }

    @Override
    public Confidence recognise(Path path, byte[] head) {
        if (Files.isRegularFile(path)) {
            String name = path.getFileName().toString();
            if ((name.equals(DumpLocation.DUMP_JSON) || name.equals(DumpLocation.DEBUG_JSON)) && startsWith(head, '{')) return Confidence.MAGIC;
            return name.endsWith(".pkl") && startsWith(head, '[') ? Confidence.CONTENT : Confidence.NONE;
        }
        try {
            return DumpLocation.candidates(path).isEmpty() && DumpLocation.candidates(path, DumpLocation.DEBUG_JSON).isEmpty()
                    ? Confidence.NONE : Confidence.CONTENT;
        } catch (IOException | RuntimeException e) {
            return Confidence.NONE;
        }
    }

    /**
     * Whether the text opens with {@code open} after any whitespace: '{' for a JSON object (dump.json),
     * '[' for a JSON list (msprobe's and ptdbg's .pkl summaries are one JSON list per line).
     */
    private static boolean startsWith(byte[] head, char open) {
        for (byte b : head) {
            if (b == open) return true;
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
        }
        return false;
    }

    @Override
    public Archive open(Path path) throws IOException {
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".pkl")) {
            throw new ArchiveException(path.toString(), "an msprobe (ptdbg) .pkl summary: one JSON list per tensor of its name, dtype,"
                    + " shape and statistics, without its values; for a comparison dump with \"task\": \"tensor\" (dump.json beside"
                    + " dump_tensor_data)");
        }
        return MsprobeReader.open(path);
    }
}
