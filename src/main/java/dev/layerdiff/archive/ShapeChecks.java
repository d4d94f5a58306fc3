package dev.layerdiff.archive;

import dev.layerdiff.tensor.Shapes;

/** Checks of shapes read from untrusted headers. */
public final class ShapeChecks {
    private ShapeChecks() {}

    /**
     * Validates untrusted dimensions and returns the byte size of a tensor of this shape, or throws if a
     * dimension is negative or the byte size overflows a long.
     */
    public static long byteSize(long[] shape, int itemSize, String file) throws ArchiveException {
        long n = itemSize;
        for (long d : shape) {
            if (d < 0) throw new ArchiveException(file, "negative dimension " + d + " in shape " + Shapes.format(shape));
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new ArchiveException(file, "shape " + Shapes.format(shape) + " overflows: its byte size exceeds 2^63");
            }
        }
        return n;
    }
}
