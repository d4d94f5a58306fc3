package dev.layerdiff.compare;

import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.SideStats;

import dev.layerdiff.tensor.DType;

/**
 * One layer of a comparison. Sides that are absent have null shape, dtype and stats; metrics,
 * histograms of the difference and the image are null unless the layer was compared element by element.
 *
 * @param name           the layer name (the reference's; for candidate-only layers the mapped candidate name)
 * @param candidateName  the candidate's name before renaming, or null if absent
 * @param group          activations, gradients or parameter gradients
 * @param order          position in the reference's order (candidate's, for candidate-only layers)
 * @param numel          element count (the reference's when both are present)
 * @param tolerance      the tolerance applied, or null if not compared
 * @param image          enhanced-diff image, when requested
 */
public record LayerReport(String name, String candidateName, Group group, int order, Status status,
                          long[] referenceShape, long[] candidateShape, DType referenceDtype, DType candidateDtype,
                          long numel, Tolerance tolerance, DiffMetrics metrics,
                          SideStats referenceStats, SideStats candidateStats,
                          Histogram referenceHistogram, Histogram candidateHistogram, Histogram diffHistogram,
                          DiffImage image) {

    /** Whether this layer counts as a divergence when searching for the first one. */
    public boolean isDivergence() {
        return status == Status.DIVERGED || status == Status.SHAPE_MISMATCH;
    }
}
