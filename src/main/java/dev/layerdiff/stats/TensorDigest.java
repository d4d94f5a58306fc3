package dev.layerdiff.stats;

/** What a summary keeps of one tensor: its exact statistics and value histogram, and its sketch. */
public record TensorDigest(SideStats stats, Histogram histogram, TensorSketch sketch) {
}
