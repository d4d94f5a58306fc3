package dev.layerdiff.engine.cuda;

import dev.layerdiff.engine.Futures;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Copies chunks of archive tensors (memory-mapped page cache, or inflated streams) into a lane's pinned
 * buffers, split into pieces across copy threads (one per core, up to 16) while the GPU works on other
 * lanes. Owns the copy threads: started on first use, shut down on close (idempotent).
 */
final class HostStaging implements AutoCloseable {
    /** Host copies are split into pieces of this size across the copy threads. */
    private static final int COPY_PIECE = 2 << 20;

    private ExecutorService copiers;
    private boolean closed;

    /**
     * Copies elements {@code [first, first + rBytes / size)} of {@code ref} (and as many of {@code cand},
     * unless it is null) into the pinned buffers. Each source is read once per chunk, in order, as
     * sequential (inflating) sources need.
     */
    void stage(TensorEntry ref, long first, int rBytes, ByteBuffer rHost, TensorEntry cand, int cBytes,
               ByteBuffer cHost) throws IOException {
        ensureOpen();
        // Pinned while the copies run, so that closing the archives afterwards unmaps the files at once
        // (TensorData#pin), as the CPU backend's tasks do.
        try (TensorData.Pin rp = ref.data().pin(); TensorData.Pin cp = cand == null ? TensorData.Pin.NONE : cand.data().pin()) {
            List<Future<?>> copies = new ArrayList<>();
            ByteBuffer r = ref.data().read(first * ref.dtype().byteSize(), rBytes);
            copyInPieces(r, rHost, copies);
            if (cand != null && cand.data() == ref.data() && cand.dtype() == ref.dtype()) {
                copyInPieces(r.duplicate(), cHost, copies);  // a tensor against itself: a stream is read once
            } else if (cand != null) {
                if (!cand.data().isRandomAccess()) await(copies);  // the next read may invalidate the last buffer
                copyInPieces(cand.data().read(first * cand.dtype().byteSize(), cBytes), cHost, copies);
            }
            await(copies);
        }
    }

    private void copyInPieces(ByteBuffer src, ByteBuffer dst, List<Future<?>> copies) {
        int len = src.remaining(), at = src.position();
        for (int off = 0; off < len; off += COPY_PIECE) {
            int o = off, l = Math.min(COPY_PIECE, len - off);
            if (len <= COPY_PIECE) {
                dst.put(o, src, at + o, l);
            } else {
                copies.add(copiers().submit(() -> dst.put(o, src, at + o, l)));
            }
        }
    }

    private synchronized void ensureOpen() {
        if (closed) throw new IllegalStateException("the CUDA backend's host staging is closed");
    }

    private synchronized ExecutorService copiers() {
        ensureOpen();
        if (copiers == null) {
            int threads = Math.max(1, Math.min(16, Runtime.getRuntime().availableProcessors()));
            copiers = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "layerdiff-cuda-copy");
                t.setDaemon(true);
                return t;
            });
        }
        return copiers;
    }

    private static void await(List<Future<?>> copies) throws IOException {
        try {
            Futures.awaitAll(copies, "staging data for the GPU");
        } finally {
            copies.clear();
        }
    }

    /** Whether copy threads were started. */
    synchronized boolean started() {
        return copiers != null;
    }

    /** Waits up to {@code millis} for the copy threads to end after {@link #close()}; true once none runs. */
    boolean awaitStopped(long millis) throws InterruptedException {
        ExecutorService pool;
        synchronized (this) {
            pool = copiers;
        }
        return pool == null || pool.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the copy threads (none is busy: every stage waits for its copies). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (copiers != null) copiers.shutdown();
    }
}
