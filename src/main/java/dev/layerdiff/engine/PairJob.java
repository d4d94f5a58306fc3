package dev.layerdiff.engine;

import dev.layerdiff.stats.DiffImage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pair in flight on any backend: its chunk partials, its image and a countdown. The chunk that
 * completes last merges the partials in chunk order (so results do not depend on timing), reads the
 * image if the pair diverged, releases it and hands the result to the sink, once.
 */
public final class PairJob {
    /** Where a pair's image accumulates (host or device memory) until the pair completes. */
    public interface Image {
        /** The raw image; read only for a pair with mismatches. */
        DiffImage read();

        /** Frees the image; called once, when the pair completes or is abandoned. */
        void release();
    }

    private final int index;
    private final PairTask task;
    private final PairPartial[] parts;
    private final AtomicInteger left;
    private final CompareBackend.ResultSink sink;
    private final Image image;
    private final AtomicBoolean released = new AtomicBoolean();

    private PairJob(int index, PairTask task, int chunks, Image image, CompareBackend.ResultSink sink) {
        this.index = index;
        this.task = task;
        this.parts = new PairPartial[chunks];
        this.left = new AtomicInteger(chunks);
        this.image = image;
        this.sink = sink;
    }

    /**
     * A job for pair {@code index} of {@code chunks} chunks, whose result goes to {@code sink}; a job of
     * no chunks (an empty pair) completes at once. {@code image} (null for none) now belongs to the job.
     */
    public static PairJob start(int index, PairTask task, int chunks, Image image, CompareBackend.ResultSink sink) {
        PairJob job = new PairJob(index, task, chunks, image, sink);
        if (chunks == 0) job.complete();
        return job;
    }

    /** The pair. */
    public PairTask task() {
        return task;
    }

    /** A fresh partial for one chunk of this pair, folding its image into {@code image} (null for none). */
    public PairPartial newPartial(ImageAccumulator image) {
        return new PairPartial(task.rtol(), task.atol(), task.equalNan(), image);
    }

    /** Chunk {@code c} is done (on any thread); the last chunk completes the pair. */
    public void chunkDone(int c, PairPartial partial) {
        parts[c] = partial;
        if (left.decrementAndGet() == 0) complete();
    }

    /** After a failure: frees the image of a pair that will not complete. */
    public void abandon() {
        release();
    }

    private void complete() {
        PairPartial all = PairPartial.merged(task.rtol(), task.atol(), task.equalNan(), java.util.Arrays.asList(parts));
        DiffImage picture;
        try {
            // Only a diverged pair gets an image: the others would cost up to 4 MiB each for nothing.
            picture = image == null || all.mismatched == 0 ? null : image.read();
        } finally {
            release();
        }
        sink.accept(index, all.toResult(picture));
    }

    private void release() {
        if (image != null && released.compareAndSet(false, true)) image.release();
    }
}
