package dev.layerdiff.diagnosis;

import dev.layerdiff.compare.Group;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.Measured;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.tensor.TensorEntry;

/** A tensor with what the first pass measured of it (decoded each time it is asked for, when packed). */
record MeasuredTensor(TensorEntry entry, Measured measured) {

    SideStats stats() { return measured.stats(); }

    Histogram histogram() { return measured.histogram(); }

    String name() { return entry.name(); }

    Group group() { return Group.of(entry.name()); }

    long nonfinite() {
        SideStats stats = stats();
        return stats.nan() + stats.inf();
    }

    /** ||x||_2 over the finite values, from the first pass's mean and (population) std. */
    double norm() {
        SideStats stats = stats();
        if (stats.finite() == 0) return 0;
        return Math.sqrt(stats.finite() * (stats.std() * stats.std() + stats.mean() * stats.mean()));
    }

    /** The largest finite magnitude (0 when none is finite). */
    double maxAbs() {
        SideStats stats = stats();
        return stats.finite() == 0 ? 0 : Math.max(Math.abs(stats.min()), Math.abs(stats.max()));
    }
}
