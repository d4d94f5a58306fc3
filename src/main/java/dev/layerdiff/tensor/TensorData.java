package dev.layerdiff.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes of one tensor's elements, in logical C (row-major) order, in the byte order of
 * {@link TensorEntry#byteOrder()}. Data is never loaded whole: callers read it in bounded chunks.
 *
 * <p>Random-access sources (memory-mapped files: safetensors, .npy, stored zip members) may be read
 * at any offset from any number of threads at once. Sequential sources (deflated zip members) must be
 * read from one thread at increasing offsets; each returned buffer is valid until the next call.
 */
public interface TensorData {

    /** Total byte count: numel times the dtype's byte size. */
    long byteSize();

    /** Whether {@link #read} may be called at any offset, concurrently. */
    boolean isRandomAccess();

    /**
     * Returns a read-only buffer positioned at 0 whose {@code limit()} is {@code length}, holding bytes
     * {@code [offset, offset + length)}. Its byte order is already set to the tensor's byte order.
     * A buffer from a random-access source stays valid for as long as it is reachable, even after its
     * archive is closed.
     *
     * @throws IOException if the bytes cannot be read (truncated file, corrupt compressed stream); the
     *     message names the file and the problem
     */
    ByteBuffer read(long offset, int length) throws IOException;
}
