package dev.layerdiff.compare;

import dev.layerdiff.compare.PairingPlan.Match;
import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.LayerStats;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.ErrorEstimate;

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
 * @param stats          both sides' statistics and the histograms, packed (null: none at all)
 * @param estimate       null when the values were compared; what the sketches say when a side was a summary
 * @param image          enhanced-diff image, when requested
 * @param pairedBy       why the two sides were paired, or null when one is absent
 */
public record LayerReport(String name, String candidateName, Group group, int order, Status status,
                          long[] referenceShape, long[] candidateShape, DType referenceDtype, DType candidateDtype,
                          long numel, Tolerance tolerance, DiffMetrics metrics, LayerStats stats,
                          DiffImage image, Match pairedBy, ErrorEstimate estimate) {

    /** A layer whose values were compared (or unpaired). */
    public LayerReport(String name, String candidateName, Group group, int order, Status status,
                       long[] referenceShape, long[] candidateShape, DType referenceDtype, DType candidateDtype,
                       long numel, Tolerance tolerance, DiffMetrics metrics, LayerStats stats, DiffImage image, Match pairedBy) {
        this(name, candidateName, group, order, status, referenceShape, candidateShape, referenceDtype, candidateDtype,
                numel, tolerance, metrics, stats, image, pairedBy, null);
    }

    /** A layer paired by name (or unpaired, when a side is absent). */
    public LayerReport(String name, String candidateName, Group group, int order, Status status,
                       long[] referenceShape, long[] candidateShape, DType referenceDtype, DType candidateDtype,
                       long numel, Tolerance tolerance, DiffMetrics metrics, LayerStats stats, DiffImage image) {
        this(name, candidateName, group, order, status, referenceShape, candidateShape, referenceDtype, candidateDtype,
                numel, tolerance, metrics, stats, image, referenceShape != null && candidateShape != null ? Match.NAME : null);
    }

    /** The reference's statistics (decoded from {@link #stats}), or null if absent. */
    public SideStats referenceStats() { return stats == null ? null : stats.referenceStats(); }

    /** The candidate's statistics, or null if absent. */
    public SideStats candidateStats() { return stats == null ? null : stats.candidateStats(); }

    /** The reference's value histogram, or null if absent. */
    public Histogram referenceHistogram() { return stats == null ? null : stats.referenceHistogram(); }

    /** The candidate's value histogram, or null if absent. */
    public Histogram candidateHistogram() { return stats == null ? null : stats.candidateHistogram(); }

    /** The histogram of |candidate - reference|, or null unless compared element by element. */
    public Histogram diffHistogram() { return stats == null ? null : stats.diffHistogram(); }

    /** Whether this layer is present on one side only. */
    public boolean isUnpaired() {
        return status == Status.ONLY_IN_REFERENCE || status == Status.ONLY_IN_CANDIDATE;
    }

    /** Whether this layer counts as a divergence when searching for the first one. */
    public boolean isDivergence() {
        return status == Status.DIVERGED || status == Status.SHAPE_MISMATCH;
    }
}
