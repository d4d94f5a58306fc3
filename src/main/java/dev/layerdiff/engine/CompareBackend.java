package dev.layerdiff.engine;

import dev.layerdiff.archive.TensorEntry;
import java.io.IOException;
import java.util.List;

/**
 * The kernel boundary: a backend (CPU, CUDA) computes per-layer results in one pass over the bytes.
 * Implementations assume valid input; the {@code LayerDiff} facade validates. Results come back in
 * task order. Every backend gives the same counts, histograms, min and max exactly, and sums within
 * {@link #SUM_RELATIVE_TOLERANCE}.
 */
public interface CompareBackend {

    /** Relative tolerance within which sums (means, rmse, cosine, std) agree across backends. */
    double SUM_RELATIVE_TOLERANCE = 1e-9;

    /** Short name for logs and reports, e.g. {@code cpu-native}, {@code cpu-simd} or {@code cuda}. */
    String name();

    /** Compares each pair element by element. */
    List<PairResult> compare(List<PairTask> tasks) throws IOException;

    /** Summarizes each tensor on its own. */
    List<TensorSummary> summarize(List<TensorEntry> tensors) throws IOException;
}
