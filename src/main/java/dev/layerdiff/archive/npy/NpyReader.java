package dev.layerdiff.archive.npy;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveFormats;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.archive.MappedTensorData;
import dev.layerdiff.archive.StridedTensorData;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reads a single .npy file, or a .npy stream stored uncompressed inside a larger file. */
public final class NpyReader {
    private NpyReader() {}

    /** Opens a .npy file as a one-tensor archive named after the file's stem. */
    public static Archive open(Path path) throws IOException {
        MappedFile file = MappedFile.open(path);
        try {
            String name = ArchiveFormats.stem(path.getFileName().toString());
            TensorEntry e = entry(name, 0, file, 0, file.size());
            return new ListArchive(path, "npy", List.of(e), Map.of(), List.of(file), true);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Reads the .npy stream in {@code [start, start + length)} of {@code file} as one tensor, in place. */
    public static TensorEntry entry(String name, int order, MappedFile file, long start, long length) throws IOException {
        file.checkRange(start, length, ".npy data");
        return entry(name, order, (off, len) -> file.bytes(start + off, len), length, file.name(),
                (off, size, byteOrder) -> new MappedTensorData(file, start + off, size, byteOrder));
    }

    /** The random-access data of the stream's bytes {@code [offset, offset + byteSize)}, which lie inside it. */
    @FunctionalInterface
    public interface Span {
        TensorData data(long offset, long byteSize, ByteOrder order) throws IOException;
    }

    /**
     * Reads a .npy stream of {@code length} bytes held some other way (encoded inside a larger file):
     * {@code src} gives its header bytes, {@code span} its data.
     */
    public static TensorEntry entry(String name, int order, NpyHeader.Source src, long length, String file, Span span)
            throws IOException {
        NpyHeader h = NpyHeader.read(src, length, file);
        return new TensorEntry(name, order, h.type().dtype(), h.logicalShape(), h.type().order(), data(h, span));
    }

    private static TensorData data(NpyHeader h, Span span) throws IOException {
        TensorData contiguous = span.data(h.dataOffset(), h.byteSize(), h.type().order());
        if (!h.fortran() || h.shape().length < 2) return contiguous;
        return new StridedTensorData(contiguous, 0, h.logicalShape(), fortranStrides(h), h.type().dtype().byteSize(),
                h.type().order());
    }

    /** Element strides of the logical shape for data stored column-major; complex pairs stay adjacent. */
    static long[] fortranStrides(NpyHeader h) {
        long[] shape = h.shape();
        int pair = h.type().complex() ? 2 : 1;
        long[] strides = new long[shape.length + (pair == 2 ? 1 : 0)];
        long s = pair;
        for (int i = 0; i < shape.length; i++) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        if (pair == 2) strides[shape.length] = 1;
        return strides;
    }
}
