package dev.layerdiff.diagnosis;

import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.PairingPlan;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.stats.GrossTest;
import dev.layerdiff.stats.GrossTest;
import dev.layerdiff.stats.SliceStats;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Where a diagnosis gets the slice breakdowns of the layers it flags: a second read of those layers. */
@FunctionalInterface
public interface SliceSource {

    /** The breakdowns of one compared layer (see {@code SliceKernel.compute}). */
    SliceStats[] slices(String layer, GrossTest test) throws IOException;

    /**
     * Reads the layers of a plan from its two (still open) archives through a backend. The tasks are
     * made at the first read, since most comparisons flag no layer at all (a million-tensor plan would
     * otherwise cost a task and a map entry per layer for nothing).
     */
    static SliceSource of(CompareBackend backend, PairingPlan plan, Archive reference, Archive candidate,
                          CompareOptions options) {
        Map<String, PairTask> byName = new HashMap<>();
        return (layer, test) -> {
            if (byName.isEmpty()) {
                List<PairingPlan.Pair> rows = plan.compared();
                List<PairTask> tasks = LayerDiff.tasks(rows, reference, candidate, options);
                for (int i = 0; i < rows.size(); i++) byName.put(rows.get(i).name(), tasks.get(i));
            }
            PairTask task = byName.get(layer);
            if (task == null) throw new IllegalArgumentException("no compared layer '" + layer + "'");
            return backend.slices(task, test);
        };
    }
}
