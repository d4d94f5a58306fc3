package dev.layerdiff.stats;


/**
 * What a backend computes for one {@code PairTask} (of the engine), in a single pass over both tensors' bytes.
 *
 * @param image    the enhanced-diff image, or null when the task did not ask for one or no element is off
 * @param estimate null when the values were compared; when a side was a summary, what its sketch says
 *                 (the metrics then hold the estimate's relative error, cosine and RMS error, NaN for
 *                 what a sketch cannot tell, and no diff histogram)
 */
public record PairResult(DiffMetrics metrics, SideStats referenceStats, SideStats candidateStats,
                         Histogram referenceHistogram, Histogram candidateHistogram, Histogram diffHistogram,
                         DiffImage image, ErrorEstimate estimate) implements java.io.Serializable {

    /** A result of the values compared. */
    public PairResult(DiffMetrics metrics, SideStats referenceStats, SideStats candidateStats, Histogram referenceHistogram,
                      Histogram candidateHistogram, Histogram diffHistogram, DiffImage image) {
        this(metrics, referenceStats, candidateStats, referenceHistogram, candidateHistogram, diffHistogram, image, null);
    }

    /** The same result without its image (once the image has been written out). */
    public PairResult withoutImage() {
        return new PairResult(metrics, referenceStats, candidateStats, referenceHistogram, candidateHistogram,
                diffHistogram, null, estimate);
    }
}
