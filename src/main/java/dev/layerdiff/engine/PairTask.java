package dev.layerdiff.engine;

import dev.layerdiff.tensor.TensorEntry;

/**
 * One element-by-element comparison for a backend to run. The facade guarantees both sides have the
 * same element count (shapes may differ only where the facade allows it, e.g. never today).
 *
 * @param reference the reference tensor (first archive); tolerances scale with its values
 * @param candidate the candidate tensor
 * @param rtol      relative tolerance
 * @param atol      absolute tolerance
 * @param equalNan  whether NaN against NaN counts as equal
 * @param image     whether to compute the enhanced-diff image (rendered only for a pair with mismatches)
 */
public record PairTask(TensorEntry reference, TensorEntry candidate, double rtol, double atol,
                       boolean equalNan, boolean image) {
}
