package dev.layerdiff.compare;

import dev.layerdiff.tensor.DType;
import java.util.List;

/**
 * How to compare two archives. Build with {@link #builder()}; every field has a sensible default
 * (torch.testing tolerances per dtype, no renaming, NaN unequal to NaN, no images).
 *
 * @param rtol      overrides every layer's default rtol, or null
 * @param atol      overrides every layer's default atol, or null
 * @param rules     per-layer tolerances; the first matching rule wins over rtol/atol and the defaults
 * @param mappings  rename rules applied in order to candidate names before pairing
 * @param equalNan  whether NaN against NaN counts as equal
 * @param images    whether to compute enhanced-diff images
 */
public record CompareOptions(Double rtol, Double atol, List<ToleranceRule> rules, List<NameMapping> mappings,
                             boolean equalNan, boolean images) {

    public CompareOptions {
        rules = List.copyOf(rules);
        mappings = List.copyOf(mappings);
        if (rtol != null) new Tolerance(rtol, 0);
        if (atol != null) new Tolerance(0, atol);
    }

    /** Defaults: torch.testing tolerances, no rules, no mappings, NaN != NaN, no images. */
    public static CompareOptions defaults() { return builder().build(); }

    public static Builder builder() { return new Builder(); }

    /** The tolerance for one layer, by precedence: a matching rule, then rtol/atol, then the dtype defaults. */
    public Tolerance toleranceFor(String name, DType reference, DType candidate) {
        for (ToleranceRule rule : rules) {
            if (rule.matches(name)) return rule.tolerance();
        }
        Tolerance d = Tolerance.defaultFor(reference, candidate);
        return new Tolerance(rtol != null ? rtol : d.rtol(), atol != null ? atol : d.atol());
    }

    /** Applies the rename rules to a candidate name. */
    public String mapName(String candidateName) {
        String name = candidateName;
        for (NameMapping m : mappings) name = m.apply(name);
        return name;
    }

    /** Mutable builder of {@link CompareOptions}. */
    public static final class Builder {
        private Double rtol;
        private Double atol;
        private List<ToleranceRule> rules = List.of();
        private List<NameMapping> mappings = List.of();
        private boolean equalNan;
        private boolean images;

        public Builder rtol(Double v) { rtol = v; return this; }
        public Builder atol(Double v) { atol = v; return this; }
        public Builder rules(List<ToleranceRule> v) { rules = v; return this; }
        public Builder mappings(List<NameMapping> v) { mappings = v; return this; }
        public Builder equalNan(boolean v) { equalNan = v; return this; }
        public Builder images(boolean v) { images = v; return this; }

        public CompareOptions build() { return new CompareOptions(rtol, atol, rules, mappings, equalNan, images); }
    }
}
