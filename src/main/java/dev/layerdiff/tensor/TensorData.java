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

    /** What a dump recorded of a tensor it kept no values of (then {@link #read} fails), or null: the values are here. */
    default RecordedStatistics recorded() { return null; }

    /**
     * Returns a read-only buffer positioned at 0 whose {@code limit()} is {@code length}, holding bytes
     * {@code [offset, offset + length)}. Its byte order is already set to the tensor's byte order.
     * A buffer from a random-access source stays valid for as long as it is reachable, even after its
     * archive is closed; one read inside a {@link #pin} only until the pin is closed.
     *
     * @throws IOException if the bytes cannot be read (truncated file, corrupt compressed stream); the
     *     message names the file and the problem
     */
    ByteBuffer read(long offset, int length) throws IOException;

    /**
     * Marks the calling thread as reading until the pin is closed: buffers it reads meanwhile are valid
     * until then (not after), and closing the archive meanwhile releases the file only at the last
     * unpin. A reader that drops its buffers when done pins so that the archive's close can release
     * the file at once instead of leaving it to the garbage collector.
     */
    default Pin pin() { return Pin.NONE; }

    /**
     * Throws if the file the bytes are read from changed size since it was opened (another process
     * truncated or rewrote it): reads of such a file may have faulted or returned other bytes. Cheap (an
     * fstat); data that holds no file never throws.
     *
     * @throws IOException naming the file and the problem
     */
    default void checkUnchanged() throws IOException {}

    /** A {@link #pin} held. */
    @FunctionalInterface
    interface Pin extends AutoCloseable {
        /** For data that holds no file. */
        Pin NONE = () -> {};

        @Override
        void close();
    }
}
