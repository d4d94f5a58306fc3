package dev.layerdiff.diagnosis;

import dev.layerdiff.compare.Group;
import dev.layerdiff.stats.SliceStats;
import java.util.List;

/**
 * The diagnosis of one compared layer.
 *
 * @param name          the layer
 * @param group         its group
 * @param relativeError ||cand - ref||_2 / ||ref||_2
 * @param noiseFloor    the unit roundoff u of the precision the layer is judged in
 * @param units         the relative error in units of {@code noiseFloor}
 * @param score         the relative error over the budget that the precision and the upstream error allow
 * @param role          what the error is
 * @param slices        breakdowns along dims 0 and 1 when they were computed (suspects), else empty
 * @param localized     where the error sits, when a few indices of one dimension carry it; else null
 */
public record LayerDiagnosis(String name, Group group, double relativeError, double noiseFloor, double units, double score, Role role,
                             List<SliceStats> slices, Localized localized) {
    public LayerDiagnosis {
        slices = List.copyOf(slices);
    }
}
