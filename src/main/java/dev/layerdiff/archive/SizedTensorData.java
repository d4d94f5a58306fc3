package dev.layerdiff.archive;

import dev.layerdiff.io.MappedFile;
import dev.layerdiff.tensor.Ranges;
import dev.layerdiff.tensor.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What every reader's {@link TensorData} shares: a size every read is checked against and the byte
 * order every buffer is given; a subclass reads ranges already known to lie inside.
 */
public abstract class SizedTensorData implements TensorData {
    private final long byteSize;
    private final ByteOrder order;
    private final boolean randomAccess;

    protected SizedTensorData(long byteSize, ByteOrder order, boolean randomAccess) {
        this.byteSize = byteSize;
        this.order = order;
        this.randomAccess = randomAccess;
    }

    /** Throws unless {@code [start, start + byteSize)} lies in {@code [0, available)}. */
    protected static void checkInside(long start, long byteSize, long available, String what) {
        if (start < 0 || byteSize < 0 || start > available - byteSize) throw new IllegalArgumentException("range outside " + what);
    }

    @Override
    public final long byteSize() { return byteSize; }

    @Override
    public final boolean isRandomAccess() { return randomAccess; }

    /** @throws IllegalArgumentException if {@code length} exceeds {@link MappedFile#MAX_READ} */
    @Override
    public final ByteBuffer read(long offset, int length) throws IOException {
        Ranges.check(offset, length, byteSize);
        return readInside(offset, length).order(order);
    }

    /** Bytes {@code [offset, offset + length)}, which lie inside the tensor, in a read-only buffer at position 0. */
    protected abstract ByteBuffer readInside(long offset, int length) throws IOException;
}
