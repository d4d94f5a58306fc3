package dev.layerdiff.cli;

import dev.layerdiff.archive.AbstractFormat;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ArchiveFormats;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.archive.MappedTensorData;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A format that only {@link ShrinkingFileCliTest}'s child JVMs install: {@code LDSHRINK} then
 * little-endian float32 values, one tensor, read in place from the mapping as every mapped format is.
 * The first read of its data truncates the file to its first page after the buffer was sliced (and
 * checked) and before it is returned, as another process truncating it at that moment would: the
 * kernel's first touch of the next page faults (SIGBUS), deterministically.
 */
public final class ShrinkingF32Format extends AbstractFormat {
    static final byte[] MAGIC = "LDSHRINK".getBytes(StandardCharsets.US_ASCII);
    /** What the file is cut to: its first page. */
    static final int KEPT = 4096;

    public ShrinkingF32Format() {
        super("shrinking", "a raw float32 file that truncates itself when first read", "shrink");
    }

    @Override
    public Confidence recognise(Path path, byte[] head) {
        return head.length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                ? Confidence.MAGIC : Confidence.NONE;
    }

    @Override
    public Archive open(Path path) throws IOException {
        MappedFile file = MappedFile.open(path);
        try {
            if (!Arrays.equals(file.bytes(0, MAGIC.length), MAGIC)) throw new ArchiveException(file.name(), "no LDSHRINK");
            long n = (file.size() - MAGIC.length) / 4;
            TensorData data = new Shrinking(path, new MappedTensorData(file, MAGIC.length, n * 4, ByteOrder.LITTLE_ENDIAN));
            TensorEntry e = new TensorEntry(ArchiveFormats.stem(path.getFileName().toString()), 0, DType.FLOAT32,
                    new long[] {n}, ByteOrder.LITTLE_ENDIAN, data);
            return new ListArchive(path, name(), List.of(e), Map.of(), List.of(file), true);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The file's data, cut short after the first slice of it was handed out. */
    private static final class Shrinking implements TensorData {
        private final Path path;
        private final TensorData data;
        private final AtomicBoolean cut = new AtomicBoolean();

        Shrinking(Path path, TensorData data) {
            this.path = path;
            this.data = data;
        }

        @Override
        public long byteSize() { return data.byteSize(); }

        @Override
        public boolean isRandomAccess() { return true; }

        @Override
        public Pin pin() { return data.pin(); }

        @Override
        public void checkUnchanged() throws IOException { data.checkUnchanged(); }

        @Override
        public ByteBuffer read(long offset, int length) throws IOException {
            ByteBuffer b = data.read(offset, length);
            if (cut.compareAndSet(false, true)) {
                try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
                    f.setLength(KEPT);
                }
            }
            return b;
        }
    }
}
