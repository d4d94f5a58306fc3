package dev.layerdiff.engine;

/**
 * How a backend splits {@code elements} elements into chunks of {@code per} (the last one shorter, none
 * for none): chunk {@code c} covers {@code [first(c), first(c) + length(c))}. Every backend chunks with
 * it, so their chunk partials cover the same ranges.
 *
 * @param elements elements in all
 * @param per      elements per chunk, at least 1
 */
public record Chunks(long elements, long per) {
    public Chunks {
        if (elements < 0 || per < 1) throw new IllegalArgumentException("cannot split " + elements + " elements into chunks of " + per);
    }

    /** The number of chunks: 0 for no elements. */
    public int count() {
        return Math.toIntExact((elements + per - 1) / per);
    }

    /** Index of chunk {@code c}'s first element. */
    public long first(int c) {
        return c * per;
    }

    /** Elements of chunk {@code c}. */
    public int length(int c) {
        return Math.toIntExact(Math.min(per, elements - first(c)));
    }
}
