package dev.layerdiff.archive.torch;

import dev.layerdiff.archive.AbstractFormat;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.zip.ZipDirectory;
import dev.layerdiff.io.MappedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A torch.save file: a zip with {@code <prefix>/data.pkl} (PyTorch 1.6 and later). A bare pickle, the
 * legacy format, is recognised only to be refused with the way out.
 */
public final class TorchFormat extends AbstractFormat {
    private static final int PICKLE_PROTO = 0x80;

    public TorchFormat() {
        super("pt", "a torch.save zip", "pt", "pth");
    }

    @Override
    public Confidence recognise(Path path, byte[] head) {
        if (ZipDirectory.hasMagic(head)) return holdsPickle(path) ? Confidence.CONTENT : Confidence.NONE;
        return head.length > 0 && (head[0] & 0xff) == PICKLE_PROTO ? Confidence.HINT : Confidence.NONE;
    }

    /** A zip whose directory cannot be read is left to the plain zip reader to explain. */
    private static boolean holdsPickle(Path path) {
        try (MappedFile file = MappedFile.open(path)) {
            return TorchReader.findPickle(ZipDirectory.read(file)) != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public Archive open(Path path) throws IOException {
        if (startsWithPickle(path)) {
            throw new ArchiveException(path.toString(), "a bare pickle: this is torch.save's legacy (pre-1.6) format, which cannot be read"
                    + " safely; re-save it with torch.save in PyTorch 1.6 or later (zip format, the default)");
        }
        return ZipDirectory.open(path, TorchReader::open);
    }

    private static boolean startsWithPickle(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.read() == PICKLE_PROTO;
        }
    }
}
