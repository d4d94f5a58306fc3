package dev.layerdiff.compare;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.compare.PairingPlan.Kind;
import dev.layerdiff.compare.PairingPlan.Match;
import dev.layerdiff.compare.PairingPlan.Pair;
import dev.layerdiff.tensor.TensorEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairs the tensors of two archives, rule by rule ({@link Match}): each rule sees only what the rules
 * before it left unpaired, so an exact name always wins over a layout, a layout over position.
 */
final class Pairing {
    private final Map<String, TensorEntry> references;
    /** By the name the candidate pairs under (after --map), in the candidate's order. */
    private final Map<String, TensorEntry> candidates;
    /** Reference name -> the candidate's pairing name, and why. */
    private final Map<String, String> partner;
    private final Map<String, Match> match;
    private final Map<String, String> taken;

    private Pairing(Archive reference, Archive candidate, CompareOptions options) {
        // Sized up front: a dump of a million tensors would otherwise rehash each map twenty times.
        int n = reference.tensors().size(), m = candidate.tensors().size();
        references = new LinkedHashMap<>(capacity(n));
        partner = new HashMap<>(capacity(n));
        match = new HashMap<>(capacity(n));
        taken = new HashMap<>(capacity(m));
        for (TensorEntry t : reference.tensors()) if (!options.skips(t.name())) references.put(t.name(), t);
        candidates = mappedCandidates(candidate, options);
    }

    static PairingPlan plan(Archive reference, Archive candidate, CompareOptions options) {
        Pairing p = new Pairing(reference, candidate, options);
        p.byName();
        p.byLayout();
        p.bySingleTensor();
        if (options.matchByOrder()) p.byOrder();
        return p.rows(options);
    }

    private void byName() {
        for (String name : references.keySet()) if (candidates.containsKey(name)) pair(name, name, Match.NAME);
    }

    /** Pairs what has the same {@link Group#layoutKey} when that key names one unpaired tensor on each side. */
    private void byLayout() {
        Map<String, List<String>> refKeys = new HashMap<>(), candKeys = new HashMap<>();
        for (String r : unpairedReferences()) refKeys.computeIfAbsent(Group.layoutKey(r), k -> new ArrayList<>()).add(r);
        for (String c : unpairedCandidates()) candKeys.computeIfAbsent(Group.layoutKey(c), k -> new ArrayList<>()).add(c);
        for (Map.Entry<String, List<String>> e : refKeys.entrySet()) {
            List<String> c = candKeys.get(e.getKey());
            if (e.getValue().size() == 1 && c != null && c.size() == 1) pair(e.getValue().get(0), c.get(0), Match.LAYOUT);
        }
    }

    /** Two archives of one tensor each hold the same thing, whatever each dump called it (out_cpu.npy, out_gpu.npy). */
    private void bySingleTensor() {
        if (references.size() == 1 && candidates.size() == 1 && partner.isEmpty()) {
            pair(references.keySet().iterator().next(), candidates.keySet().iterator().next(), Match.SINGLE);
        }
    }

    private void byOrder() {
        List<String> refs = unpairedReferences(), cands = unpairedCandidates();
        int[] aligned = ShapeAlignment.align(refs.stream().map(references::get).toList(),
                cands.stream().map(candidates::get).toList(), cands);
        for (int i = 0; i < aligned.length; i++) if (aligned[i] >= 0) pair(refs.get(i), cands.get(aligned[i]), Match.ORDER);
    }

    private void pair(String reference, String candidate, Match why) {
        partner.put(reference, candidate);
        match.put(reference, why);
        taken.put(candidate, reference);
    }

    private List<String> unpairedReferences() {
        return references.keySet().stream().filter(r -> !partner.containsKey(r)).toList();
    }

    private List<String> unpairedCandidates() {
        return candidates.keySet().stream().filter(c -> !taken.containsKey(c)).toList();
    }

    private PairingPlan rows(CompareOptions options) {
        List<Pair> pairs = new ArrayList<>();
        for (TensorEntry ref : references.values()) {
            String c = partner.get(ref.name());
            if (c == null) {
                pairs.add(new Pair(ref.name(), ref.name(), null, ref.order(), Kind.ONLY_IN_REFERENCE, null, null));
                continue;
            }
            TensorEntry cand = candidates.get(c);
            Match why = match.get(ref.name());
            if (!Arrays.equals(ref.shape(), cand.shape())) {
                pairs.add(new Pair(ref.name(), ref.name(), cand.name(), ref.order(), Kind.SHAPE_MISMATCH, null, why));
            } else {
                Tolerance tolerance = options.toleranceFor(ref.name(), ref.dtype(), cand.dtype());
                pairs.add(new Pair(ref.name(), ref.name(), cand.name(), ref.order(), Kind.COMPARE, tolerance, why));
            }
        }
        for (Map.Entry<String, TensorEntry> e : candidates.entrySet()) {
            if (taken.containsKey(e.getKey())) continue;
            TensorEntry cand = e.getValue();
            pairs.add(new Pair(e.getKey(), null, cand.name(), cand.order(), Kind.ONLY_IN_CANDIDATE, null, null));
        }
        return new PairingPlan(pairs);
    }

    private static Map<String, TensorEntry> mappedCandidates(Archive candidate, CompareOptions options) {
        Map<String, TensorEntry> byName = new LinkedHashMap<>(capacity(candidate.tensors().size()));
        for (TensorEntry t : candidate.tensors()) {
            String mapped = options.mapName(t.name());
            if (options.skips(t.name()) || options.skips(mapped)) continue;
            TensorEntry previous = byName.put(mapped, t);
            if (previous != null) {
                throw new IllegalArgumentException(candidate.path() + ": tensors '" + previous.name() + "' and '"
                        + t.name() + "' both pair as '" + mapped + "'" + (options.mappings().isEmpty() ? "" : " after --map"));
            }
        }
        return byName;
    }

    /** A hash map's initial capacity that holds {@code entries} without rehashing. */
    static int capacity(int entries) {
        return (int) Math.min(Integer.MAX_VALUE, entries * 4L / 3 + 1);
    }
}
