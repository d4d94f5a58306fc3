package dev.layerdiff.archive.polygraphy;

import dev.layerdiff.archive.AbstractFormat;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveFormats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Polygraphy's saved outputs or inputs ({@link PolygraphyReader}): JSON whose beginning names a Polygraphy
 * class. The marker follows the data of the object it tags, so it is looked for in the first
 * {@value #PROBE} bytes (an input file whose first array is larger shows none there); any other JSON,
 * or any {@code .json} file, is only a hint, so that its reader explains what is wrong with it.
 */
public final class PolygraphyFormat extends AbstractFormat {
    static final int PROBE = 1 << 16;
    private static final byte[][] MARKERS = {
        ('"' + PolygraphyReader.CLASS + '"').getBytes(StandardCharsets.US_ASCII),
        ('"' + PolygraphyReader.LEGACY_CLASS_PREFIX).getBytes(StandardCharsets.US_ASCII),
        // The base64 of an .npy's magic string \x93NUMPY: the start of every array Polygraphy writes.
        "\"k05VTVBZ".getBytes(StandardCharsets.US_ASCII),
    };

    public PolygraphyFormat() {
        super("polygraphy", "a Polygraphy JSON");
    }

    @Override
    public Confidence recognise(Path path, byte[] head) {
        if (!startsAsJson(head)) return "json".equals(ArchiveFormats.extension(path)) ? Confidence.HINT : Confidence.NONE;
        try (InputStream in = Files.newInputStream(path)) {
            byte[] probe = in.readNBytes(PROBE);
            for (byte[] m : MARKERS) if (indexOf(probe, m) >= 0) return Confidence.CONTENT;
        } catch (IOException | RuntimeException e) {
            return Confidence.HINT;
        }
        return Confidence.HINT;
    }

    private static boolean startsAsJson(byte[] head) {
        for (byte b : head) {
            if (b == '{' || b == '[') return true;
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
        }
        return false;
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) if (data[i + j] != pattern[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Override
    public Archive open(Path path) throws IOException {
        return PolygraphyReader.open(path);
    }
}
