package dev.layerdiff.archive.io;

/** Argument checks shared by the TensorData implementations. */
public final class Ranges {
    private Ranges() {}

    /** Throws unless {@code [offset, offset + length)} lies within {@code [0, size)}. */
    public static void check(long offset, int length, long size) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("read [" + offset + ", " + (offset + (long) length)
                    + ") outside the tensor's " + size + " bytes");
        }
    }
}
