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
 * A torch.save file: a zip with {@code <prefix>/data.pkl} (PyTorch 1.6 and later), or the legacy format
 * (a bare pickle that starts with torch's magic number: {@link LegacyTorchReader}). Any other pickle is
 * refused: it is not a tensor dump.
 */
public final class TorchFormat extends AbstractFormat {
    private static final int PICKLE_PROTO = 0x80;

    public TorchFormat() {
        super("pt", "a torch.save file", "pt", "pth");
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
        byte[] head = head(path);
        if (LegacyTorchReader.hasMagic(head)) return LegacyTorchReader.open(path, MappedFile.open(path));
        if (head.length > 0 && (head[0] & 0xff) == PICKLE_PROTO) {
            throw new ArchiveException(path.toString(), "a bare pickle without torch.save's magic number: a plain Python pickle"
                    + " (pickle.dump), whose objects are code to run, which layerdiff never does; save the tensors with torch.save,"
                    + " safetensors or numpy");
        }
        return ZipDirectory.open(path, TorchReader::open);
    }

    private static byte[] head(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(LegacyTorchReader.MAGIC.length);
        }
    }
}
