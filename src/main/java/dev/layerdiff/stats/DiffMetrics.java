package dev.layerdiff.stats;

/**
 * How far the candidate is from the reference, over the element pairs where both are finite
 * (NaN and infinities are counted separately and decide {@code mismatched}). All arithmetic is in double.
 *
 * @param maxAbs      max |cand - ref|
 * @param maxAbsIndex flat C-order index of the first element reaching {@code maxAbs}; -1 if none
 * @param meanAbs     mean |cand - ref|
 * @param maxRel      max |cand - ref| / |ref| over pairs with ref != 0; 0 if there are none
 * @param rmse        sqrt(mean (cand - ref)^2)
 * @param cosine      cosine similarity of the two as flat vectors; 1 if both are all zero, 0 if one is
 * @param sqnrDb      10 log10(sum ref^2 / sum (cand - ref)^2); +Inf when identical
 * @param mismatched  elements failing {@code |cand - ref| <= atol + rtol |ref|} (torch.allclose semantics)
 * @param finitePairs element pairs where both sides are finite
 */
public record DiffMetrics(double maxAbs, long maxAbsIndex, double meanAbs, double maxRel, double rmse,
                          double cosine, double sqnrDb, long mismatched, long finitePairs)
        implements java.io.Serializable {

    /**
     * ||cand - ref||_2 / ||ref||_2 over the finite pairs: 0 when they are equal, +Inf when the reference
     * is zero and the candidate not. Derived from {@link #sqnrDb()}, which is 10 log10 of its inverse square.
     */
    public double relativeError() {
        if (sqnrDb == Double.POSITIVE_INFINITY || finitePairs == 0) return 0;
        return Math.pow(10, -sqnrDb / 20);
    }
}
