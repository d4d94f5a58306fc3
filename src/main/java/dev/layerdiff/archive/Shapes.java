package dev.layerdiff.archive;

import java.util.StringJoiner;

/** Shape arithmetic with overflow checks: shapes come from untrusted headers. */
public final class Shapes {
    private Shapes() {}

    /** Product of the dimensions; 1 for a scalar. Assumes each dimension was validated. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /**
     * Validates untrusted dimensions and returns the byte size of a tensor of this shape, or throws if a
     * dimension is negative or the byte size overflows a long.
     */
    public static long checkedByteSize(long[] shape, int itemSize, String file) throws ArchiveException {
        long n = itemSize;
        for (long d : shape) {
            if (d < 0) throw new ArchiveException(file, "negative dimension " + d + " in shape " + format(shape));
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new ArchiveException(file, "shape " + format(shape) + " overflows: its byte size exceeds 2^63");
            }
        }
        return n;
    }

    /** {@code [2, 3, 4]}; {@code []} for a scalar. */
    public static String format(long[] shape) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (long d : shape) j.add(Long.toString(d));
        return j.toString();
    }
}
