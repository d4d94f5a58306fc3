package dev.layerdiff.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of comparing two archives: every layer in order, and the first divergence of each group.
 *
 * @param reference the reference archive's path
 * @param candidate the candidate archive's path
 * @param backend   the backend that computed it, e.g. {@code cpu-native}
 * @param layers    reference layers in the reference's order, then candidate-only layers in theirs
 * @param unpairedAllowed whether layers present on one side only are reported without failing
 */
public record Report(String reference, String candidate, String backend, List<LayerReport> layers,
                     boolean unpairedAllowed) {

    /** Exit status when every paired layer is within tolerance and nothing is unpaired. */
    public static final int EXIT_OK = 0;
    /** Exit status when any layer diverged, mismatched in shape or is unpaired (unless allowed). */
    public static final int EXIT_DIVERGED = 1;

    public Report {
        layers = List.copyOf(layers);
    }

    /** A report in which unpaired layers fail. */
    public Report(String reference, String candidate, String backend, List<LayerReport> layers) {
        this(reference, candidate, backend, layers, false);
    }

    /**
     * The first divergence of each group (null if none): activations in the reference's order,
     * gradient groups from the output backward.
     */
    public Map<Group, LayerReport> firstDivergence() {
        Map<Group, LayerReport> first = new EnumMap<>(Group.class);
        for (Group g : Group.values()) first.put(g, null);
        Map<String, Integer> activationOrder = null;
        for (LayerReport l : layers) {
            if (!l.isDivergence()) continue;
            LayerReport best = first.get(l.group());
            if (best == null) {
                first.put(l.group(), l);
            } else if (l.group().walksBackward()) {
                // Only a backward walk of two or more diverged layers needs the forward order.
                if (activationOrder == null) activationOrder = activationOrder();
                if (Long.compare(executionKey(l, activationOrder), executionKey(best, activationOrder)) > 0) first.put(l.group(), l);
            }
        }
        return Collections.unmodifiableMap(first);
    }

    private Map<String, Integer> activationOrder() {
        Map<String, Integer> order = new HashMap<>(2 * layers.size());
        for (LayerReport l : layers) {
            if (l.group() == Group.ACTIVATIONS && l.referenceShape() != null) order.putIfAbsent(l.name(), l.order());
        }
        return order;
    }

    private static long executionKey(LayerReport l, Map<String, Integer> activationOrder) {
        return Group.executionKey(l.name(), l.order(), activationOrder);
    }

    /**
     * The compared layers of a group in the order their errors flow: activations forward (the
     * reference's order), gradient groups from the output backward, as the backward pass runs.
     */
    public List<LayerReport> walk(Group group) {
        List<LayerReport> walk = new ArrayList<>();
        for (LayerReport l : layers) if (l.group() == group && l.metrics() != null) walk.add(l);
        if (group.walksBackward() && !walk.isEmpty()) {
            // Only a gradient walk needs the activations' positions (a million-layer report walks often).
            Map<String, Integer> activationOrder = activationOrder();
            walk.sort(Comparator.comparingLong((LayerReport l) -> executionKey(l, activationOrder)).reversed());
        }
        return walk;
    }

    /** Number of layers with a status. */
    public long count(Status status) {
        return layers.stream().filter(l -> l.status() == status).count();
    }

    /** Whether every paired layer is within tolerance and no layer is unpaired (or unpaired layers are allowed). */
    public boolean passed() {
        return layers.stream().noneMatch(this::fails);
    }

    /** Whether this layer makes the comparison fail. */
    public boolean fails(LayerReport layer) {
        return layer.status().isFailure() && !(unpairedAllowed && layer.isUnpaired());
    }

    /** {@link #EXIT_OK} or {@link #EXIT_DIVERGED}. */
    public int exitCode() { return passed() ? EXIT_OK : EXIT_DIVERGED; }
}
