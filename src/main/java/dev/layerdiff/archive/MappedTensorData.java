package dev.layerdiff.archive;

import dev.layerdiff.io.MappedFile;
import dev.layerdiff.tensor.Ranges;

import dev.layerdiff.tensor.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Tensor bytes stored contiguously in C order inside a mapped file: read in place, random access. */
public final class MappedTensorData implements TensorData {
    private final MappedFile file;
    private final long start;
    private final long byteSize;
    private final ByteOrder order;

    /** The caller has checked that {@code [start, start + byteSize)} lies inside {@code file}. */
    public MappedTensorData(MappedFile file, long start, long byteSize, ByteOrder order) {
        if (start < 0 || byteSize < 0 || start > file.size() - byteSize) {
            throw new IllegalArgumentException("range outside " + file.name());
        }
        this.file = file;
        this.start = start;
        this.byteSize = byteSize;
        this.order = order;
    }

    @Override
    public long byteSize() { return byteSize; }

    @Override
    public boolean isRandomAccess() { return true; }

    /** @throws IllegalArgumentException if {@code length} exceeds {@link MappedFile#MAX_READ} */
    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
        Ranges.check(offset, length, byteSize);
        return file.slice(start + offset, length).order(order);
    }
}
