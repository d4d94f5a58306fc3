package dev.layerdiff.archive;

import dev.layerdiff.tensor.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The data of a tensor whose values a file does not hold (a statistics dump's, a summary's): its size, as
 * its dtype and shape give it, and a read that fails naming the file, the tensor and why.
 */
public abstract class ValuelessData implements TensorData {
    private final String file;
    private final String name;
    private final long byteSize;
    private final String why;

    protected ValuelessData(String file, String name, long byteSize, String why) {
        this.file = file;
        this.name = name;
        this.byteSize = byteSize;
        this.why = why;
    }

    @Override
    public long byteSize() { return byteSize; }

    @Override
    public boolean isRandomAccess() { return true; }

    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
        throw new ArchiveException(file, name + ": " + why);
    }
}
