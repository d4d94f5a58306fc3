package dev.layerdiff.archive.polygraphy;

import dev.layerdiff.archive.SizedTensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Tensor bytes inside base64 text: decoded per read, random access (a read decodes only its own groups). */
final class Base64TensorData extends SizedTensorData {
    private final Base64Text text;
    private final long start;

    /** The caller has checked that {@code [start, start + byteSize)} lies inside the decoded text. */
    Base64TensorData(Base64Text text, long start, long byteSize, ByteOrder order) {
        super(byteSize, order, true);
        checkInside(start, byteSize, text.size(), "the array's base64 text");
        this.text = text;
        this.start = start;
    }

    @Override
    protected ByteBuffer readInside(long offset, int length) throws IOException {
        return ByteBuffer.wrap(text.decode(start + offset, length)).asReadOnlyBuffer();
    }
}
