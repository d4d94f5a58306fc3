package dev.layerdiff.diagnosis;

import dev.layerdiff.compare.Group;
import java.util.List;

/**
 * The verdict on one group of tensors.
 *
 * @param group        activations, gradients or parameter gradients
 * @param verdict      ok, noise or bug
 * @param introducedAt the first layer in walk order that introduces error the precision does not explain, or null
 * @param noiseFloor   the unit roundoff the group was judged against
 * @param suspects     layers over their error budget, the culprits first, then by score
 */
public record GroupDiagnosis(Group group, Verdict verdict, String introducedAt, double noiseFloor,
                             List<Suspect> suspects) {
    public GroupDiagnosis {
        suspects = List.copyOf(suspects);
    }
}
