package dev.layerdiff.engine;

import dev.layerdiff.stats.PairResult;
import dev.layerdiff.stats.GrossTest;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.stats.TensorSummary;
import dev.layerdiff.stats.ZeroIndices;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.util.List;

/**
 * The kernel boundary: a backend (CPU, CUDA) computes per-layer results in one pass over the bytes.
 * Implementations assume valid input; the {@code LayerDiff} facade validates. Results come back in
 * task order. Every backend gives the same counts, histograms, min and max exactly, and sums within
 * {@link #SUM_RELATIVE_TOLERANCE}.
 */
public interface CompareBackend extends AutoCloseable {

    /** Relative tolerance within which sums (means, rmse, cosine, std) agree across backends. */
    double SUM_RELATIVE_TOLERANCE = 1e-9;

    /** Short name for logs and reports, e.g. {@code cpu-native}, {@code cpu-simd} or {@code cuda}. */
    String name();

    /**
     * Compares each pair element by element, handing pair {@code i}'s result to {@code sink} once, as soon
     * as it is complete (on any thread, in any order), so a caller can write out and drop what it no
     * longer needs (images) while the rest is computed. A runtime exception from the sink fails the call.
     */
    void compare(List<PairTask> tasks, ResultSink sink) throws IOException;

    /** Compares each pair element by element; results in task order. */
    default List<PairResult> compare(List<PairTask> tasks) throws IOException {
        PairResult[] results = new PairResult[tasks.size()];
        compare(tasks, (i, r) -> results[i] = r);
        return List.of(results);
    }

    /** Receives each pair's result as it completes. */
    @FunctionalInterface
    interface ResultSink {
        /** Pair {@code task} (its index in the task list) is complete. */
        void accept(int task, PairResult result);

        /**
         * Part of pair {@code task} is read: {@code bytes} of both sides, for a progress display. Optional
         * for a backend (a pair's {@link #accept} means all of it), and never a pair's last word.
         */
        default void progressed(int task, long bytes) {}
    }

    /** Summarizes each tensor on its own. */
    List<TensorSummary> summarize(List<TensorEntry> tensors) throws IOException;

    /**
     * The slice breakdowns of one pair (see {@link SliceKernel#compute}): a second read, for the few
     * layers a diagnosis flags. Every backend gives the CPU's answer; this default computes it on the CPU.
     */
    default SliceStats[] slices(PairTask task, GrossTest test) throws IOException {
        return SliceKernel.compute(task, test);
    }

    /**
     * The all-zero indices of one tensor along one dimension, reading at most {@code byteLimit} bytes
     * (see {@link ZeroIndexScan#scan}): a second read, for the few layers a health check flags, that
     * stops early. Every backend gives the CPU's answer; this default computes it on the CPU.
     */
    default ZeroIndices zeroIndices(TensorEntry tensor, int dim, long byteLimit) throws IOException {
        return ZeroIndexScan.scan(tensor, dim, byteLimit);
    }

    /**
     * Frees what the backend holds (device memory, streams, threads); idempotent. Whoever selected the
     * backend closes it; a closed backend refuses work.
     */
    @Override
    default void close() {}
}
