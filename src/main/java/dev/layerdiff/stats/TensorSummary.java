package dev.layerdiff.stats;


/** Statistics and value histogram of one tensor (the {@code stats} command). */
public record TensorSummary(SideStats stats, Histogram histogram) implements Measured {
}
