package dev.layerdiff.archive.zip;

import dev.layerdiff.archive.SizedTensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Tensor bytes inside a deflated zip member: sequential, streamed through an {@link InflatingSource}. */
public final class InflatingTensorData extends SizedTensorData {
    private final InflatingSource source;
    private final long start;

    /** The caller has checked that {@code [start, start + byteSize)} lies inside the member's declared size. */
    public InflatingTensorData(InflatingSource source, long start, long byteSize, ByteOrder order) {
        super(byteSize, order, false);
        checkInside(start, byteSize, source.size(), source.label());
        this.source = source;
        this.start = start;
    }

    /** The inflater's input is sliced from the mapped file. */
    @Override
    public Pin pin() {
        return source.pin();
    }

    @Override
    public void checkUnchanged() throws IOException {
        source.checkUnchanged();
    }

    @Override
    protected ByteBuffer readInside(long offset, int length) throws IOException {
        return ByteBuffer.wrap(source.read(start + offset, length)).asReadOnlyBuffer();
    }
}
