package dev.layerdiff.compare;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.compare.PairingPlan.Kind;
import dev.layerdiff.compare.PairingPlan.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * What would pair more when little paired (under half of either side): the {@code --map} rules found
 * in the names themselves, or {@code --match order} where that pairs more. A rule is guessed from what unpaired names
 * have in common (a prefix or suffix that only one side carries, {@code module.conv1} against
 * {@code conv1}) and kept only when planning with it pairs more.
 *
 * @param paired      pairs compared now (same shape)
 * @param references  reference tensors taking part (after --skip)
 * @param candidates  candidate tensors taking part
 * @param maps        {@code --map} arguments to add, in order (empty when {@code matchOrder})
 * @param matchOrder  whether {@code --match order} is the suggestion
 * @param pairedWith  pairs compared with the suggestion
 */
public record PairingHint(int paired, int references, int candidates, List<String> maps, boolean matchOrder,
                          int pairedWith) {
    /** Unpaired names per side from which rules are guessed: enough for a pattern, few enough for every pair of them. */
    private static final int SAMPLE = 400;
    private static final int RULES_TRIED = 5;
    private static final int MAX_MAPS = 3;
    private static final String REGEX_SPECIALS = "\\^$.|?*+()[]{}=";

    public PairingHint {
        maps = List.copyOf(maps);
    }

    /** The options as a user types them, e.g. {@code --map '^module\.='}. */
    public String options() {
        if (matchOrder) return "--match order";
        List<String> parts = new ArrayList<>();
        for (String m : maps) parts.add("--map " + shellQuote(m));
        return String.join(" ", parts);
    }

    /** One sentence for the terminal. */
    public String describe() {
        return String.format("only %d of %d reference and %d candidate tensors paired; %s would pair %d",
                paired, references, candidates, options(), pairedWith);
    }

    /** The hint for a plan that paired little, or empty when it paired enough or nothing found pairs more. */
    static Optional<PairingHint> of(Archive reference, Archive candidate, CompareOptions options, PairingPlan plan) {
        int paired = paired(plan);
        int refs = (int) plan.pairs().stream().filter(p -> p.referenceName() != null).count();
        int cands = (int) plan.pairs().stream().filter(p -> p.candidateName() != null).count();
        if (2 * paired >= refs && 2 * paired >= cands) return Optional.empty();

        List<String> maps = new ArrayList<>();
        CompareOptions current = options;
        PairingPlan currentPlan = plan;
        int best = paired;
        while (maps.size() < MAX_MAPS) {
            String bestRule = null;
            PairingPlan bestPlan = null;
            int roundBest = best;
            for (String rule : guesses(currentPlan)) {
                PairingPlan p = planWith(reference, candidate, current, rule);
                if (p == null) continue;
                int n = paired(p);
                // Of rules that pair as many, the shortest: the least it renames besides what it must.
                if (n > roundBest || (n == roundBest && bestRule != null && rule.length() < bestRule.length())) {
                    roundBest = n;
                    bestRule = rule;
                    bestPlan = p;
                }
            }
            if (bestRule == null) break;
            best = roundBest;
            maps.add(bestRule);
            current = withMap(current, bestRule);
            currentPlan = bestPlan;
        }
        int byOrder = options.matchByOrder() ? 0
                : paired(Pairing.plan(reference, candidate, options.toBuilder().matchByOrder(true).build()));
        if (byOrder > best) return Optional.of(new PairingHint(paired, refs, cands, List.of(), true, byOrder));
        if (!maps.isEmpty()) return Optional.of(new PairingHint(paired, refs, cands, maps, false, best));
        return Optional.empty();
    }

    /** Pairs that compare: a rename that meets a tensor of another shape pairs nothing useful. */
    private static int paired(PairingPlan plan) {
        return (int) plan.pairs().stream().filter(p -> p.kind() == Kind.COMPARE).count();
    }

    private static PairingPlan planWith(Archive reference, Archive candidate, CompareOptions options, String rule) {
        try {
            return Pairing.plan(reference, candidate, withMap(options, rule));
        } catch (IllegalArgumentException e) {
            return null; // the rule makes two candidates collide
        }
    }

    private static CompareOptions withMap(CompareOptions options, String rule) {
        List<NameMapping> mappings = new ArrayList<>(options.mappings());
        mappings.add(NameMapping.parse(rule));
        return options.toBuilder().mappings(mappings).build();
    }

    /**
     * The most frequent rewrites between unpaired candidate and reference names, as {@code --map}
     * arguments: for each pair of names, what differs once their common prefix and suffix are set aside,
     * counted once per candidate name; each tried anchored at the start, at the end and anywhere.
     */
    private static List<String> guesses(PairingPlan plan) {
        List<String> refs = new ArrayList<>(), cands = new ArrayList<>();
        for (Pair p : plan.pairs()) {
            if (p.kind() == Kind.ONLY_IN_REFERENCE && refs.size() < SAMPLE) refs.add(p.name());
            if (p.kind() == Kind.ONLY_IN_CANDIDATE && cands.size() < SAMPLE) cands.add(p.name());
        }
        // Names as they are, and as pairing sees them across layouts (so that activations/ and gradients/
        // containers on one side do not hide a prefix that both groups share).
        List<String> rules = new ArrayList<>(guesses(refs, cands));
        for (String r : guesses(refs.stream().map(Group::layoutKey).toList(), cands.stream().map(Group::layoutKey).toList())) {
            if (!rules.contains(r)) rules.add(r);
        }
        return rules;
    }

    private static List<String> guesses(List<String> refs, List<String> cands) {
        Map<List<String>, Guess> guesses = new HashMap<>();
        for (String c : cands) {
            for (String r : refs) {
                int a = commonPrefix(c, r);
                int x = commonSuffix(c, r, a);
                String from = c.substring(a, c.length() - x), to = r.substring(a, r.length() - x);
                boolean atStart = a == 0, atEnd = x == 0;
                if (from.isEmpty() && !atStart && !atEnd) continue; // an insertion in the middle has no anchor to hang on
                Guess g = guesses.computeIfAbsent(List.of(from, to), k -> new Guess());
                g.voters.add(c);
                g.atStart |= atStart;
                g.atEnd |= atEnd;
            }
        }
        List<Map.Entry<List<String>, Guess>> ranked = new ArrayList<>(guesses.entrySet());
        ranked.sort((p, q) -> q.getValue().voters.size() != p.getValue().voters.size()
                ? q.getValue().voters.size() - p.getValue().voters.size()
                : p.getKey().toString().compareTo(q.getKey().toString()));
        List<String> rules = new ArrayList<>();
        for (Map.Entry<List<String>, Guess> e : ranked.subList(0, Math.min(RULES_TRIED, ranked.size()))) {
            if (e.getValue().voters.size() < 2 && cands.size() > 1) break; // one coincidence is no pattern
            String from = escape(e.getKey().get(0)), to = Matcher.quoteReplacement(e.getKey().get(1));
            if (e.getValue().atStart) rules.add("^" + from + "=" + to);
            if (e.getValue().atEnd) rules.add(from + "$=" + to);
            if (!from.isEmpty()) rules.add(from + "=" + to);
        }
        return rules;
    }

    /** One rewrite guessed from pairs of names: which candidates suggest it, and where it sat in them. */
    private static final class Guess {
        final Set<String> voters = new HashSet<>();
        boolean atStart, atEnd;
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length()), i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) i++;
        return i;
    }

    /** The common suffix, not reaching into the first {@code prefix} characters of either. */
    private static int commonSuffix(String a, String b, int prefix) {
        int n = Math.min(a.length(), b.length()) - prefix, i = 0;
        while (i < n && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) i++;
        return i;
    }

    /** Literal text as a --map regex: regex specials and NameMapping's {@code =} separator escaped. */
    private static String escape(String literal) {
        StringBuilder s = new StringBuilder();
        for (char ch : literal.toCharArray()) {
            if (REGEX_SPECIALS.indexOf(ch) >= 0) s.append('\\');
            s.append(ch);
        }
        return s.toString();
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
