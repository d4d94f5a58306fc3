package dev.layerdiff.diagnosis;

import dev.layerdiff.compare.Group;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Noise or bug, and where: the verdict of each group, the role of each compared layer, and the noise
 * floor they were judged against.
 *
 * @param floor  the unit roundoff of the precision the comparison was judged in
 * @param source how the floor was chosen, in words
 * @param groups each group's verdict; a group without compared tensors is absent
 * @param layers each compared layer's diagnosis, by name
 * @param notes  things the user should know about how the diagnosis was made
 * @param health the health of each side (reference, candidate) when it was checked, else empty
 */
public record Diagnosis(double floor, String source, Map<Group, GroupDiagnosis> groups,
                        Map<String, LayerDiagnosis> layers, List<String> notes, List<Health> health) {
    public Diagnosis {
        groups = Collections.unmodifiableMap(groups);
        layers = Collections.unmodifiableMap(layers);
        notes = List.copyOf(notes);
        health = List.copyOf(health);
    }

    /** The same diagnosis with each side's health. */
    public Diagnosis withHealth(Health reference, Health candidate) {
        return new Diagnosis(floor, source, groups, layers, notes, List.of(reference, candidate));
    }

    /** Whether any group has a bug. */
    public boolean hasBug() {
        return groups.values().stream().anyMatch(g -> g.verdict() == Verdict.BUG);
    }
}
