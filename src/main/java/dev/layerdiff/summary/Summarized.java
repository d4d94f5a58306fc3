package dev.layerdiff.summary;

import dev.layerdiff.archive.ValuelessData;
import dev.layerdiff.stats.TensorDigest;
import dev.layerdiff.tensor.TensorData;

/** A tensor of a summary: its digest in place of its values, which it no longer has. */
final class Summarized extends ValuelessData {
    private final TensorDigest digest;

    Summarized(String file, String name, long byteSize, TensorDigest digest) {
        super(file, name, byteSize, "summarised, and a summary holds no values to read");
        this.digest = digest;
    }

    /** The digest of {@code data}, or null if it holds values. */
    static TensorDigest digestOf(TensorData data) {
        return data instanceof Summarized s ? s.digest : null;
    }
}
