package dev.layerdiff.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a tensor is, decided by its name's path segments: activation gradients have a segment
 * {@code grad}, {@code grads}, {@code gradient} or {@code gradients}; parameter gradients a segment
 * {@code param_grad}, {@code param_grads} or {@code parameter_grads}; everything else is an activation.
 * Gradient groups are walked from the output backward when looking for the first divergence.
 */
public enum Group {
    ACTIVATIONS("activations"),
    GRADIENTS("gradients"),
    PARAM_GRADS("param_grads");

    private static final Set<String> GRADIENT_SEGMENTS = Set.of("grad", "grads", "gradient", "gradients");
    private static final Set<String> PARAM_GRAD_SEGMENTS = Set.of("param_grad", "param_grads", "parameter_grads");
    /** Containers that torch.save dumps put activations in; flat dumps have none. */
    private static final Set<String> ACTIVATION_SEGMENTS = Set.of("activations", "activation");

    private final String jsonName;

    Group(String jsonName) { this.jsonName = jsonName; }

    /** Key used in JSON reports. */
    public String jsonName() { return jsonName; }

    /** Whether the first divergence is searched from the last tensor backward, as a backward pass runs. */
    public boolean walksBackward() { return this != ACTIVATIONS; }

    /**
     * Names the activation a gradient belongs to, so gradients can be walked in execution order even when
     * the archive stores them elsewhere (safetensors sorts by name): the name without its gradient segment
     * ({@code grad/layers.1.fc} -> {@code layers.1.fc}) and with it replaced by {@code activations}
     * ({@code gradients/fc} -> {@code activations/fc}, as torch.save dumps nest them).
     */
    public static List<String> activationCandidates(String gradientName) {
        String[] segments = gradientName.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (!GRADIENT_SEGMENTS.contains(segments[i])) continue;
            List<String> rest = new ArrayList<>(Arrays.asList(segments));
            rest.remove(i);
            String removed = String.join("/", rest);
            rest.add(i, "activations");
            return List.of(removed, String.join("/", rest));
        }
        return List.of();
    }

    /**
     * Where a tensor ran in the forward pass, as a sort key: a gradient sits at its activation's
     * position when {@code activationOrder} (activation name to position) has that activation, anything
     * else at its own {@code order}; ties keep {@code order}.
     */
    public static long executionKey(String name, int order, Map<String, Integer> activationOrder) {
        for (String a : activationCandidates(name)) {
            Integer at = activationOrder.get(a);
            if (at != null) return ((long) at << 32) | (order & 0xFFFFFFFFL);
        }
        return ((long) order << 32) | (order & 0xFFFFFFFFL);
    }

    /**
     * The name as pairing compares it across dump layouts: activation containers dropped
     * ({@code activations/conv1} -> {@code conv1}), every gradient segment spelled {@code grad}
     * ({@code gradients/conv1} -> {@code grad/conv1}) and every parameter-gradient segment
     * {@code param_grad}. The last segment is the tensor's own name and is kept as it is.
     */
    public static String layoutKey(String name) {
        String[] segments = name.split("/", -1);
        List<String> key = new ArrayList<>(segments.length);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (!last && ACTIVATION_SEGMENTS.contains(s)) continue;
            if (!last && GRADIENT_SEGMENTS.contains(s)) s = "grad";
            else if (!last && PARAM_GRAD_SEGMENTS.contains(s)) s = "param_grad";
            key.add(s);
        }
        return String.join("/", key);
    }

    /** Classifies a tensor name; a parameter-gradient segment wins over a gradient segment. */
    public static Group of(String name) {
        // Called for every layer of a dump, several times: segments are compared in place, not split out.
        if (name.indexOf("grad") < 0) return ACTIVATIONS;
        boolean gradient = false;
        for (int from = 0; from <= name.length(); ) {
            int end = name.indexOf('/', from);
            if (end < 0) end = name.length();
            if (name.startsWith("grad", from) || name.startsWith("param", from)) {
                String segment = name.substring(from, end);
                if (PARAM_GRAD_SEGMENTS.contains(segment)) return PARAM_GRADS;
                if (GRADIENT_SEGMENTS.contains(segment)) gradient = true;
            }
            from = end + 1;
        }
        return gradient ? GRADIENTS : ACTIVATIONS;
    }
}
