package dev.layerdiff.stats;

/** One tensor's statistics and value histogram, held ({@link TensorSummary}) or decoded when asked ({@link LayerStats}). */
public interface Measured {
    SideStats stats();

    Histogram histogram();
}
