package dev.layerdiff.stats;

/**
 * One tensor's values broken down along one dimension: for each index {@code i} of dimension
 * {@code dim}, how many elements of that slice are not zero (NaN counts as not zero).
 *
 * @param dim      the dimension (1: channel, token position or unit)
 * @param nonzero  per index: elements that are not zero (either sign)
 * @param elements elements per slice (the same for every index)
 */
public record SideSliceStats(int dim, long[] nonzero, long elements) {

    /** Indices along the dimension. */
    public int size() { return nonzero.length; }

    /** Zeros of slice {@code i}. */
    public long zeros(int i) { return elements - nonzero[i]; }
}
