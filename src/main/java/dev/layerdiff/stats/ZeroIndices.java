package dev.layerdiff.stats;

/**
 * The indices of one dimension of a tensor along which every element is zero (either sign; NaN is
 * not zero), as a scan that stops early finds them.
 *
 * @param dim       the dimension (1: channel, token position or unit)
 * @param size      indices along the dimension
 * @param indices   the all-zero indices, ascending; empty when the scan stopped at its byte limit
 * @param elements  elements per index (the same for every index)
 * @param bytesRead bytes the scan read
 * @param complete  false when the byte limit stopped the scan before it could tell every index
 */
public record ZeroIndices(int dim, int size, int[] indices, long elements, long bytesRead, boolean complete) {}
