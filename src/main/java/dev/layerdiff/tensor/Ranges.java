package dev.layerdiff.tensor;

import dev.layerdiff.io.MappedFile;

/** Argument checks shared by the TensorData implementations. */
public final class Ranges {
    private Ranges() {}

    /**
     * Checks a {@code TensorData.read}: throws {@link IndexOutOfBoundsException} unless
     * {@code [offset, offset + length)} lies within {@code [0, size)}, and {@link IllegalArgumentException}
     * if {@code length} exceeds {@link MappedFile#MAX_READ}.
     */
    public static void check(long offset, int length, long size) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("read [" + offset + ", " + (offset + (long) length)
                    + ") outside the tensor's " + size + " bytes");
        }
        if (length > MappedFile.MAX_READ) {
            throw new IllegalArgumentException("read of " + length + " bytes; at most " + MappedFile.MAX_READ + " per read");
        }
    }
}
