package dev.layerdiff.compare;

import dev.layerdiff.tensor.DType;
import java.util.List;

/**
 * How to compare two archives. Build with {@link #builder()}; every field has a sensible default
 * (torch.testing tolerances per dtype, no renaming, nothing skipped, pairing by name and layout, NaN
 * unequal to NaN, no images, unpaired layers fail).
 *
 * @param rtol           overrides every layer's default rtol, or null
 * @param atol           overrides every layer's default atol, or null
 * @param rules          per-layer tolerances; the first matching rule wins over rtol/atol and the defaults
 * @param mappings       rename rules applied in order to candidate names before pairing
 * @param equalNan       whether NaN against NaN counts as equal
 * @param images         whether to compute enhanced-diff images
 * @param skip           globs of tensors left out of pairing and report, on either side (a candidate
 *                       tensor is left out when its own or its renamed name matches)
 * @param matchByOrder   whether tensors left unpaired by name are paired by position and shape
 * @param allowUnpaired  whether unpaired layers are reported without failing the comparison
 */
public record CompareOptions(Double rtol, Double atol, List<ToleranceRule> rules, List<NameMapping> mappings,
                             boolean equalNan, boolean images, List<String> skip, boolean matchByOrder,
                             boolean allowUnpaired) {

    public CompareOptions {
        rules = List.copyOf(rules);
        mappings = List.copyOf(mappings);
        skip = List.copyOf(skip);
        if (rtol != null) new Tolerance(rtol, 0);
        if (atol != null) new Tolerance(0, atol);
    }

    /** Defaults: torch.testing tolerances, no rules, no mappings, NaN != NaN, no images. */
    public static CompareOptions defaults() { return builder().build(); }

    public static Builder builder() { return new Builder(); }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return builder().rtol(rtol).atol(atol).rules(rules).mappings(mappings).equalNan(equalNan).images(images)
                .skip(skip).matchByOrder(matchByOrder).allowUnpaired(allowUnpaired);
    }

    /** The tolerance for one layer, by precedence: a matching rule, then rtol/atol, then the dtype defaults. */
    public Tolerance toleranceFor(String name, DType reference, DType candidate) {
        for (ToleranceRule rule : rules) {
            if (rule.matches(name)) return rule.tolerance();
        }
        Tolerance d = Tolerance.defaultFor(reference, candidate);
        // Shared where nothing overrides it: a plan of a million layers holds a handful of tolerances.
        if (rtol == null && atol == null) return d;
        return new Tolerance(rtol != null ? rtol : d.rtol(), atol != null ? atol : d.atol());
    }

    /** Applies the rename rules to a candidate name. */
    public String mapName(String candidateName) {
        String name = candidateName;
        for (NameMapping m : mappings) name = m.apply(name);
        return name;
    }

    /** Whether a tensor of this name is left out (a {@link #skip} glob matches it). */
    public boolean skips(String name) {
        for (String g : skip) if (Glob.of(g).matches(name)) return true;
        return false;
    }

    /** Mutable builder of {@link CompareOptions}. */
    public static final class Builder {
        private Double rtol;
        private Double atol;
        private List<ToleranceRule> rules = List.of();
        private List<NameMapping> mappings = List.of();
        private boolean equalNan;
        private boolean images;
        private List<String> skip = List.of();
        private boolean matchByOrder;
        private boolean allowUnpaired;

        public Builder rtol(Double v) { rtol = v; return this; }
        public Builder atol(Double v) { atol = v; return this; }
        public Builder rules(List<ToleranceRule> v) { rules = v; return this; }
        public Builder mappings(List<NameMapping> v) { mappings = v; return this; }
        public Builder equalNan(boolean v) { equalNan = v; return this; }
        public Builder images(boolean v) { images = v; return this; }
        public Builder skip(List<String> v) { skip = v; return this; }
        public Builder matchByOrder(boolean v) { matchByOrder = v; return this; }
        public Builder allowUnpaired(boolean v) { allowUnpaired = v; return this; }

        public CompareOptions build() {
            return new CompareOptions(rtol, atol, rules, mappings, equalNan, images, skip, matchByOrder, allowUnpaired);
        }
    }
}
