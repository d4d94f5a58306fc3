package dev.layerdiff.summary;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.stats.TensorDigest;
import dev.layerdiff.tensor.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A tensor of a summary: its digest in place of its values, which it no longer has. */
final class Summarized implements TensorData {
    private final String file;
    private final String name;
    private final long byteSize;
    private final TensorDigest digest;

    Summarized(String file, String name, long byteSize, TensorDigest digest) {
        this.file = file;
        this.name = name;
        this.byteSize = byteSize;
        this.digest = digest;
    }

    /** The digest of {@code data}, or null if it holds values. */
    static TensorDigest digestOf(TensorData data) {
        return data instanceof Summarized s ? s.digest : null;
    }

    TensorDigest digest() { return digest; }

    @Override
    public long byteSize() { return byteSize; }

    @Override
    public boolean isRandomAccess() { return true; }

    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
        throw new ArchiveException(file, name + " is summarised: a summary holds no values to read");
    }
}
