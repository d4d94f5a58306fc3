package dev.layerdiff.archive;

import dev.layerdiff.io.MappedFile;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A format that only tests install (through a class loader of their own): {@code LDRAWF32} then
 * little-endian float32 values, one tensor named after the file. It shows that a format plugs in
 * with a class and a services line.
 */
public final class RawF32Format extends AbstractFormat {
    static final byte[] MAGIC = "LDRAWF32".getBytes(StandardCharsets.US_ASCII);

    public RawF32Format() {
        super("raw", "a raw float32 file", "raw");
    }

    @Override
    public Confidence recognise(Path path, byte[] head) {
        return hasMagic(head) ? Confidence.MAGIC : Confidence.NONE;
    }

    private static boolean hasMagic(byte[] head) {
        return head.length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    @Override
    public Archive open(Path path) throws IOException {
        MappedFile file = MappedFile.open(path);
        try {
            if (!hasMagic(file.bytes(0, (int) Math.min(MAGIC.length, file.size())))) {
                throw new ArchiveException(file.name(), "not a raw float32 file: LDRAWF32 is missing");
            }
            long n = (file.size() - MAGIC.length) / 4;
            TensorEntry e = new TensorEntry(ArchiveFormats.stem(path.getFileName().toString()), 0, DType.FLOAT32,
                    new long[] {n}, ByteOrder.LITTLE_ENDIAN, new MappedTensorData(file, MAGIC.length, n * 4, ByteOrder.LITTLE_ENDIAN));
            return new ListArchive(path, name(), List.of(e), Map.of(), List.of(file), true);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }
}
