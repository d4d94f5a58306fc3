package dev.layerdiff.engine;

import dev.layerdiff.stats.ImageLayout;
import dev.layerdiff.stats.GrossTest;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.stats.TensorDigest;
import dev.layerdiff.stats.TensorSketch;
import dev.layerdiff.stats.TensorSummary;

import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU backend: one pass over both tensors' bytes per pair, on a fixed pool sized to the cores.
 * Random-access tensors larger than a chunk are split into chunks that run in parallel; smaller ones
 * and sequential (streamed) ones are one task each. Chunk partials are merged in index order by the
 * task that finishes a pair last ({@link PairJob}), so results do not depend on timing, and a pair's
 * scratch (its image maxima) lives only while it is in flight. Tasks run FIFO, so only about as many pairs as threads are
 * in flight at once.
 */
public final class CpuBackend implements CompareBackend {
    /** Elements per chunk: big enough to amortize a task, small enough to balance two cores. */
    public static final int DEFAULT_CHUNK_ELEMENTS = 1 << 21;

    private final CpuKernel kernel;
    private final int chunkElements;
    private final ThreadPoolExecutor pool;

    /** The kernel {@link CpuKernels#lookup()} picks, one thread per core. */
    public CpuBackend() {
        this(CpuKernels.lookup(), Runtime.getRuntime().availableProcessors(), DEFAULT_CHUNK_ELEMENTS);
    }

    /** A backend with an explicit kernel, thread count and chunk size (tests use small chunks). */
    public CpuBackend(CpuKernel kernel, int threads, int chunkElements) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (chunkElements < 1 || chunkElements > (1 << 26)) {
            throw new IllegalArgumentException("chunkElements must be in [1, 2^26], got " + chunkElements);
        }
        this.kernel = kernel;
        this.chunkElements = chunkElements;
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "layerdiff-cpu");
            t.setDaemon(true);
            // HotSpot may deliver a Java kernel's fault after the task that faulted returned, between tasks:
            // it is not to be printed as a stack trace; the facade checks the files before trusting results.
            t.setUncaughtExceptionHandler((thread, e) -> {
                if (!MemoryFault.isFault(e)) thread.getThreadGroup().uncaughtException(thread, e);
            });
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public String name() {
        return "cpu-" + kernel.name();
    }

    @Override
    public void compare(List<PairTask> tasks, ResultSink sink) throws IOException {
        List<Future<?>> futures = new ArrayList<>();
        for (int p = 0; p < tasks.size(); p++) {
            PairTask task = tasks.get(p);
            int index = p;
            Chunks chunks = new Chunks(task.reference().numel(), chunkElements);
            boolean random = task.reference().data().isRandomAccess() && task.candidate().data().isRandomAccess();
            // A sequential pair is one task that runs its chunks in order.
            int parts = random ? chunks.count() : Math.min(1, chunks.count());
            HostImage image = task.image() ? new HostImage(ImageLayout.of(task.reference().shape())) : null;
            PairJob job = PairJob.start(p, task, parts, image, sink);
            TensorEntry[] sides = {task.reference(), task.candidate()};
            if (parts > 0 && !random) {
                futures.add(pool.submit(() -> io(() -> runSequential(job, image, chunks), sides)));
            } else {
                long elementBytes = task.reference().dtype().byteSize() + task.candidate().dtype().byteSize();
                for (int c = 0; c < parts; c++) {
                    int chunk = c;
                    long bytes = chunks.length(chunk) * elementBytes;
                    futures.add(pool.submit(() -> io(() -> {
                        runChunk(job, image, chunks, chunk);
                        sink.progressed(index, bytes);
                    }, sides)));
                }
            }
        }
        Futures.awaitAll(futures, "comparing");
    }

    /** Runs chunk {@code c} of a random-access pair. */
    private void runChunk(PairJob job, HostImage image, Chunks chunks, int c) throws IOException {
        PairTask task = job.task();
        long first = chunks.first(c);
        int len = chunks.length(c);
        PairPartial p = job.newPartial(image == null ? null : image.accumulator());
        kernel.compare(read(task.reference(), first, len), task.reference().dtype(),
                read(task.candidate(), first, len), task.candidate().dtype(), len, first, p);
        job.chunkDone(c, p);
    }

    /**
     * Runs a pair with a sequential side: reads both in order from this one thread, with the same
     * chunking and merge order as the random-access path, so results are identical.
     */
    private void runSequential(PairJob job, HostImage image, Chunks chunks) throws IOException {
        TensorEntry ref = job.task().reference(), cand = job.task().candidate();
        // One stream read twice would invalidate its first buffer; a tensor against itself reads once.
        boolean same = ref.data() == cand.data() && ref.dtype() == cand.dtype();
        ImageAccumulator pixels = image == null ? null : image.accumulator();
        PairPartial all = job.newPartial(pixels);
        for (int k = 0; k < chunks.count(); k++) {
            long first = chunks.first(k);
            int len = chunks.length(k);
            ByteBuffer r = read(ref, first, len);
            ByteBuffer c = same ? r.duplicate().order(r.order()) : read(cand, first, len);
            PairPartial p = job.newPartial(pixels);
            kernel.compare(r, ref.dtype(), c, cand.dtype(), len, first, p);
            all.merge(p);
        }
        job.chunkDone(0, all);
    }

    /** Elements per chunk: the unit in which {@link #compare} splits a random-access pair and merges it back. */
    public int chunkElements() {
        return chunkElements;
    }

    /**
     * Compares chunk {@code c} (of {@link Chunks} by {@link #chunkElements()}) of a random-access pair on the
     * calling thread, without an image: the partial {@link #compare} computes for that chunk. Folding every
     * chunk's partial in chunk order into a fresh {@link PairPartial} and taking {@link PairPartial#toResult}
     * gives {@link #compare}'s result bit for bit, wherever each chunk ran.
     */
    public PairPartial compareChunk(PairTask task, int c) throws IOException {
        TensorEntry ref = task.reference(), cand = task.candidate();
        if (!ref.data().isRandomAccess() || !cand.data().isRandomAccess()) {
            throw new IllegalArgumentException(ref.name() + ": a streamed tensor cannot be read by chunks out of order");
        }
        Chunks chunks = new Chunks(ref.numel(), chunkElements);
        if (c < 0 || c >= chunks.count()) {
            throw new IndexOutOfBoundsException("chunk " + c + " of " + ref.name() + ", which has " + chunks.count()
                    + " (" + ref.numel() + " elements, " + chunkElements + " per chunk)");
        }
        PairPartial p = new PairPartial(task.rtol(), task.atol(), task.equalNan(), null);
        try {
            io(() -> kernel.compare(read(ref, chunks.first(c), chunks.length(c)), ref.dtype(),
                    read(cand, chunks.first(c), chunks.length(c)), cand.dtype(), chunks.length(c), chunks.first(c), p), ref, cand);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return p;
    }

    /** The slice breakdowns with the pair's chunks on this backend's threads: the answer of any backend, sooner. */
    @Override
    public SliceStats[] slices(PairTask task, GrossTest test) throws IOException {
        return SliceKernel.compute(task, test, pool, pool.getMaximumPoolSize());
    }

    @Override
    public List<TensorSummary> summarize(List<TensorEntry> tensors) throws IOException {
        List<TensorSummary> out = new ArrayList<>(tensors.size());
        for (TensorDigest d : pass(tensors, 0)) out.add(new TensorSummary(d.stats(), d.histogram()));
        return List.copyOf(out);
    }

    /**
     * Each tensor's statistics, histogram and sketch ({@link TensorSketch}, at most {@code maxBuckets}
     * buckets) in one pass over its bytes: every chunk is summarised and sketched while it is at hand.
     */
    public List<TensorDigest> digest(List<TensorEntry> tensors, int maxBuckets) throws IOException {
        if (maxBuckets < 1) throw new IllegalArgumentException("maxBuckets must be a power of two, got " + maxBuckets);
        return pass(tensors, maxBuckets);
    }

    /**
     * One pass over each tensor: its statistics and histogram, and with {@code maxBuckets} above 0 its
     * sketch. Random-access tensors run a part per chunk; a sequential one is one part that reads its
     * chunks in order. Every chunk folds into partials of its own, merged in chunk order, so that the two
     * give the same doubles.
     */
    private List<TensorDigest> pass(List<TensorEntry> tensors, int maxBuckets) throws IOException {
        TensorDigest[] results = new TensorDigest[tensors.size()];
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < tensors.size(); t++) {
            TensorEntry e = tensors.get(t);
            int index = t;
            Chunks chunks = new Chunks(e.numel(), chunkElements);
            boolean random = e.data().isRandomAccess();
            // An empty tensor is one empty part, so that its summary is still made.
            int parts = random ? Math.max(1, chunks.count()) : 1;
            SidePartial[] sides = new SidePartial[parts];
            SketchPartial model = maxBuckets == 0 ? null : new SketchPartial(e.shape(), maxBuckets);
            SketchPartial[] sketches = new SketchPartial[parts];
            AtomicInteger left = new AtomicInteger(parts);
            for (int c = 0; c < parts; c++) {
                int part = c;
                futures.add(pool.submit(() -> io(() -> {
                    SidePartial sp = new SidePartial();
                    SketchPartial sk = model == null ? null : model.empty();
                    int from = random ? part : 0, to = random ? Math.min(part + 1, chunks.count()) : chunks.count();
                    for (int k = from; k < to; k++) {
                        int len = chunks.length(k);
                        ByteBuffer values = read(e, chunks.first(k), len);
                        SidePartial cp = new SidePartial();
                        kernel.summarize(values, e.dtype(), len, cp);
                        sp.merge(cp);
                        if (sk != null) {
                            SketchPartial ck = model.empty();
                            kernel.sketch(values, e.dtype(), len, chunks.first(k), ck);
                            sk.merge(ck);
                        }
                    }
                    sides[part] = sp;
                    sketches[part] = sk;
                    if (left.decrementAndGet() == 0) {
                        SidePartial all = new SidePartial();
                        SketchPartial sketch = model == null ? null : model.empty();
                        for (int k = 0; k < parts; k++) {
                            all.merge(sides[k]);
                            if (sketch != null) sketch.merge(sketches[k]);
                        }
                        results[index] = new TensorDigest(all.toStats(), all.histogram, sketch == null ? null : sketch.toSketch());
                    }
                }, e)));
            }
        }
        Futures.awaitAll(futures, "summarizing");
        return List.of(results);
    }

    static ByteBuffer read(TensorEntry e, long firstElement, int elements) throws IOException {
        int size = e.dtype().byteSize();
        TensorData d = e.data();
        return d.read(firstElement * size, elements * size);
    }

    /**
     * What a faulted read of {@code reads} is reported as: the error of the file that changed size, or,
     * where none did (a failing disk or network file system faults reads too), the fault named after the
     * tensor.
     */
    static IOException faulted(Throwable fault, TensorEntry... reads) {
        for (TensorEntry e : reads) {
            try {
                e.data().checkUnchanged();
            } catch (IOException changed) {
                changed.addSuppressed(fault);
                return changed;
            }
        }
        String names = reads.length == 2 && !reads[0].name().equals(reads[1].name())
                ? reads[0].name() + " and " + reads[1].name() : reads[0].name();
        return new IOException("reading " + names + ": a read of the mapped file failed (SIGBUS: an I/O error of the disk "
                + "or network file system?)", fault);
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /**
     * Runs a task with the tensors it reads pinned: it drops their buffers when it ends, so closing the
     * archives afterwards releases the files at once (see {@link TensorData#pin}). A read that faulted
     * ({@link MemoryFault#isFault}) ends as the error of the file that changed size.
     */
    private static void io(IoAction a, TensorEntry... reads) {
        TensorData.Pin[] pins = new TensorData.Pin[reads.length];
        try {
            for (int i = 0; i < reads.length; i++) pins[i] = reads[i].data().pin();
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | InternalError e) {
            if (!MemoryFault.isFault(e)) throw e;
            throw new UncheckedIOException(faulted(e, reads));
        } finally {
            for (TensorData.Pin p : pins) if (p != null) p.close();
        }
    }
}
