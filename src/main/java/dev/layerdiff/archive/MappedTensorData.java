package dev.layerdiff.archive;

import dev.layerdiff.io.MappedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Tensor bytes stored contiguously in C order inside a mapped file: read in place, random access. */
public final class MappedTensorData extends SizedTensorData {
    private final MappedFile file;
    private final long start;

    /** The caller has checked that {@code [start, start + byteSize)} lies inside {@code file}. */
    public MappedTensorData(MappedFile file, long start, long byteSize, ByteOrder order) {
        super(byteSize, order, true);
        checkInside(start, byteSize, file.size(), file.name());
        this.file = file;
        this.start = start;
    }

    @Override
    public Pin pin() {
        return file.pin()::close;
    }

    @Override
    public void checkUnchanged() throws IOException {
        file.checkUnchanged();
    }

    @Override
    protected ByteBuffer readInside(long offset, int length) throws IOException {
        return file.slice(start + offset, length);
    }
}
