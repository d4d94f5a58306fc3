package dev.layerdiff.engine;

import dev.layerdiff.stats.ImageLayout;
import dev.layerdiff.stats.PairResult;

import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.stats.DiffImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One pair in flight: its chunk partials, its image maxima (allocated by the first chunk to run) and a
 * countdown; the chunk that finishes last merges the partials in index order and publishes the result.
 */
final class PairJob {
    private final PairTask task;
    private final PairPartial[] parts;
    private final AtomicInteger left;
    private final Consumer<PairResult> sink;
    private ImageAccumulator image;

    PairJob(PairTask task, int chunks, Consumer<PairResult> sink) {
        this.task = task;
        this.parts = new PairPartial[chunks];
        this.left = new AtomicInteger(chunks);
        this.sink = sink;
    }

    private synchronized ImageAccumulator image() {
        if (task.image() && image == null) image = new ImageAccumulator(ImageLayout.of(task.reference().shape()));
        return image;
    }

    private PairPartial newPartial() {
        return new PairPartial(task.rtol(), task.atol(), task.equalNan(), image());
    }

    /** Runs chunk {@code c} of a random-access pair. */
    void runChunk(CpuKernel kernel, int c, int chunkElements) throws IOException {
        long n = task.reference().numel();
        long first = (long) c * chunkElements;
        int len = (int) Math.min(chunkElements, n - first);
        PairPartial p = newPartial();
        if (len > 0) {
            kernel.compare(CpuBackend.read(task.reference(), first, len), task.reference().dtype(),
                    CpuBackend.read(task.candidate(), first, len), task.candidate().dtype(), len, first, p);
        }
        parts[c] = p;
        finishOne();
    }

    /**
     * Runs a pair with a sequential side: reads both in order from this one thread, with the same
     * chunking and merge order as the random-access path, so results are identical.
     */
    void runSequential(CpuKernel kernel, int chunkElements) throws IOException {
        TensorEntry ref = task.reference(), cand = task.candidate();
        // One stream read twice would invalidate its first buffer; a tensor against itself reads once.
        boolean same = ref.data() == cand.data() && ref.dtype() == cand.dtype();
        long n = ref.numel();
        PairPartial all = newPartial();
        for (long first = 0; first < n; first += chunkElements) {
            int len = (int) Math.min(chunkElements, n - first);
            ByteBuffer r = CpuBackend.read(ref, first, len);
            ByteBuffer c = same ? r.duplicate().order(r.order()) : CpuBackend.read(cand, first, len);
            PairPartial p = newPartial();
            kernel.compare(r, ref.dtype(), c, cand.dtype(), len, first, p);
            all.merge(p);
        }
        parts[0] = all;
        finishOne();
    }

    private void finishOne() {
        if (left.decrementAndGet() != 0) return;
        PairPartial all = newPartial();
        for (PairPartial p : parts) all.merge(p);
        ImageAccumulator img = image();
        // Only a diverged pair gets an image: the others would cost up to 4 MiB each for nothing.
        DiffImage picture = img == null || all.mismatched == 0 ? null : img.image();
        sink.accept(new PairResult(all.toMetrics(), all.ref.toStats(), all.cand.toStats(), all.ref.histogram,
                all.cand.histogram, all.diffHistogram, picture));
        synchronized (this) {
            image = null;
        }
    }
}
