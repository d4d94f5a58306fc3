package dev.layerdiff.compare;

import dev.layerdiff.engine.PairTask;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Turns a backend's partial and final reports into bytes done, counting each pair's bytes once: a
 * backend may report parts of a pair as they are read, or nothing until the pair completes.
 */
final class PairProgress {
    private final long[] size;
    private final AtomicLongArray counted;
    private final Progress progress;

    PairProgress(List<PairTask> tasks, Progress progress) {
        this.progress = progress;
        size = new long[tasks.size()];
        long total = 0;
        for (int i = 0; i < size.length; i++) {
            PairTask t = tasks.get(i);
            size[i] = t.reference().byteSize() + t.candidate().byteSize();
            total += size[i];
        }
        counted = new AtomicLongArray(size.length);
        progress.started(total);
    }

    /** Pair {@code task} read {@code bytes} more, or ({@code complete}) all of it. */
    void add(int task, long bytes, boolean complete) {
        long before, after;
        do {
            before = counted.get(task);
            after = complete ? size[task] : Math.min(size[task], before + bytes);
        } while (!counted.compareAndSet(task, before, after));
        if (after > before) progress.completed(after - before);
    }
}
