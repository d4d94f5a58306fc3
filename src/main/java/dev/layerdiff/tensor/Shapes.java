package dev.layerdiff.tensor;

import java.util.StringJoiner;

/** Shape arithmetic and formatting. */
public final class Shapes {
    private Shapes() {}

    /** Product of the dimensions; 1 for a scalar. Assumes each dimension was validated. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** {@code [2, 3, 4]}; {@code []} for a scalar. */
    public static String format(long[] shape) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (long d : shape) j.add(Long.toString(d));
        return j.toString();
    }

    /** The C-order multi-index of a flat index; all zeros when a dimension is 0. */
    public static long[] unravel(long index, long[] shape) {
        long[] pos = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 0) return pos;
            pos[i] = index % shape[i];
            index /= shape[i];
        }
        return pos;
    }
}
