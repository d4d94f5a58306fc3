package dev.layerdiff.archive.zip;

import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.tensor.Ranges;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Tensor bytes inside a deflated zip member: sequential, streamed through an {@link InflatingSource}. */
public final class InflatingTensorData implements TensorData {
    private final InflatingSource source;
    private final long start;
    private final long byteSize;
    private final ByteOrder order;

    /** The caller has checked that {@code [start, start + byteSize)} lies inside the member's declared size. */
    public InflatingTensorData(InflatingSource source, long start, long byteSize, ByteOrder order) {
        if (start < 0 || byteSize < 0 || start > source.size() - byteSize) throw new IllegalArgumentException("range outside " + source.label());
        this.source = source;
        this.start = start;
        this.byteSize = byteSize;
        this.order = order;
    }

    @Override
    public long byteSize() { return byteSize; }

    @Override
    public boolean isRandomAccess() { return false; }

    /** @throws IllegalArgumentException if {@code length} exceeds {@link MappedFile#MAX_READ} */
    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
        Ranges.check(offset, length, byteSize);
        return ByteBuffer.wrap(source.read(start + offset, length)).asReadOnlyBuffer().order(order);
    }
}
