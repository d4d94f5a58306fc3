package dev.layerdiff.stats;


/**
 * What a backend computes for one {@code PairTask} (of the engine), in a single pass over both tensors' bytes.
 *
 * @param image the enhanced-diff image, or null when the task did not ask for one or no element is off
 */
public record PairResult(DiffMetrics metrics, SideStats referenceStats, SideStats candidateStats,
                         Histogram referenceHistogram, Histogram candidateHistogram, Histogram diffHistogram,
                         DiffImage image) implements java.io.Serializable {

    /** The same result without its image (once the image has been written out). */
    public PairResult withoutImage() {
        return new PairResult(metrics, referenceStats, candidateStats, referenceHistogram, candidateHistogram,
                diffHistogram, null);
    }
}
