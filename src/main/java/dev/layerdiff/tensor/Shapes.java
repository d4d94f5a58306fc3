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
}
