package dev.layerdiff.tensor;

/** Argument checks shared by the TensorData implementations. */
public final class Ranges {
    /**
     * The most bytes one {@code TensorData.read} returns: what {@code io.MappedFile} slices at most (the
     * two packages sit side by side at the bottom and import nothing, so PackageRulesTest checks that the
     * two constants are equal).
     */
    public static final int MAX_READ = 64 << 20;

    private Ranges() {}

    /**
     * Checks a {@code TensorData.read}: throws {@link IndexOutOfBoundsException} unless
     * {@code [offset, offset + length)} lies within {@code [0, size)}, and {@link IllegalArgumentException}
     * if {@code length} exceeds {@link #MAX_READ}.
     */
    public static void check(long offset, int length, long size) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("read [" + offset + ", " + (offset + (long) length)
                    + ") outside the tensor's " + size + " bytes");
        }
        if (length > MAX_READ) {
            throw new IllegalArgumentException("read of " + length + " bytes; at most " + MAX_READ + " per read");
        }
    }
}
