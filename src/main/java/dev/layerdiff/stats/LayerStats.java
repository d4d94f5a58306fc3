package dev.layerdiff.stats;

/**
 * A layer's statistics of both sides and its histograms, packed in a {@link StatsArena}: each accessor
 * decodes a fresh copy (null when the layer has no such side or histogram).
 */
public record LayerStats(StatsArena arena, long at) {

    /** Whether the reference side's statistics are here. */
    public boolean hasReference() { return arena.has(at, true); }

    /** Whether the candidate side's statistics are here. */
    public boolean hasCandidate() { return arena.has(at, false); }

    public SideStats referenceStats() { return arena.referenceStats(at); }

    public SideStats candidateStats() { return arena.candidateStats(at); }

    public Histogram referenceHistogram() { return arena.referenceHistogram(at); }

    public Histogram candidateHistogram() { return arena.candidateHistogram(at); }

    public Histogram diffHistogram() { return arena.diffHistogram(at); }

    /** The reference side, decoded when asked. */
    public Measured reference() {
        return new Measured() {
            @Override public SideStats stats() { return referenceStats(); }
            @Override public Histogram histogram() { return referenceHistogram(); }
        };
    }

    /** The candidate side, decoded when asked. */
    public Measured candidate() {
        return new Measured() {
            @Override public SideStats stats() { return candidateStats(); }
            @Override public Histogram histogram() { return candidateHistogram(); }
        };
    }
}
