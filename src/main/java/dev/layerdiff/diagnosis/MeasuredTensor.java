package dev.layerdiff.diagnosis;

import dev.layerdiff.compare.Group;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.tensor.TensorEntry;

/** A tensor with what the first pass measured of it. */
record MeasuredTensor(TensorEntry entry, SideStats stats, Histogram histogram) {

    String name() { return entry.name(); }

    Group group() { return Group.of(entry.name()); }

    long nonfinite() { return stats.nan() + stats.inf(); }

    /** ||x||_2 over the finite values, from the first pass's mean and (population) std. */
    double norm() {
        if (stats.finite() == 0) return 0;
        return Math.sqrt(stats.finite() * (stats.std() * stats.std() + stats.mean() * stats.mean()));
    }

    /** The largest finite magnitude (0 when none is finite). */
    double maxAbs() {
        return stats.finite() == 0 ? 0 : Math.max(Math.abs(stats.min()), Math.abs(stats.max()));
    }
}
