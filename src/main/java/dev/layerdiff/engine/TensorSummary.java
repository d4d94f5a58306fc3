package dev.layerdiff.engine;

import dev.layerdiff.compare.Histogram;
import dev.layerdiff.compare.SideStats;

/** Statistics and value histogram of one tensor (the {@code stats} command). */
public record TensorSummary(SideStats stats, Histogram histogram) {
}
