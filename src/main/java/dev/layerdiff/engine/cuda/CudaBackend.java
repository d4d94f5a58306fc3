package dev.layerdiff.engine.cuda;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.stats.ImageLayout;
import dev.layerdiff.engine.NativeResults;
import dev.layerdiff.engine.PairPartial;
import dev.layerdiff.stats.PairResult;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.engine.SidePartial;
import dev.layerdiff.stats.TensorSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The CUDA backend: each pair streams through {@value #SLOTS} slots (a CUDA stream each, with pinned host
 * buffers of {@value #SLOT_MIB} MiB per side): while the GPU copies and compares one chunk, the host copies
 * the next from the archive (memory-mapped page cache) into another slot's pinned buffer on several
 * threads. Only each chunk's small result comes back; chunk results merge on the host in chunk order, as
 * the CPU backend's do, so the metrics match it exactly (sums within
 * {@link CompareBackend#SUM_RELATIVE_TOLERANCE}). Tensors already on the GPU are compared in place by
 * {@link #compareResident}.
 *
 * <p>One comparison runs at a time per backend (the slots are its state); the methods are synchronized.
 * Every CUDA error becomes a {@link CudaException}; a result whose histograms do not count every element
 * is refused the same way, so a failure is never a silently wrong result.
 */
public final class CudaBackend implements CompareBackend {
    /** Streams (slots) in flight. */
    static final int SLOTS = 3;
    static final int SLOT_MIB = 32;
    /** Bytes per side per slot: also the largest read of an archive, under the readers' limit. */
    static final int SLOT_BYTES = SLOT_MIB << 20;
    /** Host copies are split into pieces of this size across the copy threads (one per core, up to 16). */
    private static final int COPY_PIECE = 2 << 20;

    private final int device;
    private final String deviceName;
    private final Slot[] slots = new Slot[SLOTS];
    private Slot resident;
    private final ExecutorService copiers;

    CudaBackend(int device, String deviceName) {
        this.device = device;
        this.deviceName = deviceName;
        int threads = Math.max(1, Math.min(16, Runtime.getRuntime().availableProcessors()));
        this.copiers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "layerdiff-cuda-copy");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** The CUDA device index. */
    int device() {
        return device;
    }

    /**
     * Median milliseconds of {@code reps} pinned host-to-device copies of {@code bytes} (the end-to-end
     * baseline of the benchmarks).
     */
    public double timeHostToDevice(long bytes, int reps) {
        double[] ms = new double[1];
        check(CudaNative.ld_cuda_time_copy_h2d(device, bytes, reps, ms), "timing a host-to-device copy");
        return ms[0];
    }

    /** The GPU this backend runs on, e.g. {@code NVIDIA H100 80GB HBM3 (device 0)}. */
    public String deviceDescription() {
        return deviceName + " (device " + device + ")";
    }

    /** One stream with its pinned host buffers and device buffers, and what it is working on. */
    private final class Slot {
        final long handle;
        final ByteBuffer refHost, candHost, result;
        /** The chunk in flight: its pair and index, or null. */
        Job job;
        int chunk;

        Slot(long bytes) {
            long[] h = new long[1];
            check(CudaNative.ld_cuda_slot_create(device, bytes, h), "creating a stream with " + bytes + "-byte buffers");
            handle = h[0];
            refHost = bytes == 0 ? null : CudaNative.ld_cuda_slot_host(handle, 0).capacity(bytes).asByteBuffer();
            candHost = bytes == 0 ? null : CudaNative.ld_cuda_slot_host(handle, 1).capacity(bytes).asByteBuffer();
            result = CudaNative.ld_cuda_slot_result(handle).capacity(NativeResults.PAIR_BYTES).asByteBuffer()
                    .order(ByteOrder.nativeOrder());
        }

        /** Waits for the chunk in flight, if any, and hands its result to its job. */
        void retire() {
            if (job == null) return;
            Job j = job;
            job = null;
            check(CudaNative.ld_cuda_slot_wait(handle), "comparing " + j.task.reference().name());
            j.chunkDone(chunk, result);
        }
    }

    /** A pair in flight: its chunk partials, its device image and where its result goes. */
    private final class Job {
        final int index;
        final PairTask task;
        final PairPartial[] parts;
        final ResultSink sink;
        final ImageLayout layout;
        final long pixels;
        /** Elements per chunk. */
        final long per;
        int left;
        boolean finished;

        Job(int index, PairTask task, int chunks, long per, ResultSink sink) {
            this.index = index;
            this.per = per;
            this.task = task;
            this.parts = new PairPartial[chunks];
            this.left = chunks;
            this.sink = sink;
            this.layout = task.image() ? ImageLayout.of(task.reference().shape()) : null;
            this.pixels = layout == null ? 0 : newImage(layout);
        }

        long[] image() {
            return pixels == 0 ? null : new long[] {pixels, layout.tileRows, layout.tileCols, layout.tilesX,
                layout.rowsPerPixel, layout.columnsPerPixel, layout.width};
        }

        void chunkDone(int c, ByteBuffer result) {
            long n = chunkLength(c);
            checkCounts(result, NativeResults.REF, n, task.reference().name());
            checkCounts(result, NativeResults.CAND, n, task.candidate().name());
            if (NativeResults.histogramTotal(result, NativeResults.DIFF) != n) {
                throw new CudaException("the GPU result for " + task.reference().name() + " does not count every element");
            }
            PairPartial p = new PairPartial(task.rtol(), task.atol(), task.equalNan(), null);
            NativeResults.foldPair(result, p);
            parts[c] = p;
            if (--left == 0) finish();
        }

        long chunkLength(int c) {
            return Math.min(per, task.reference().numel() - c * per);
        }

        void finish() {
            finished = true;
            PairPartial all = new PairPartial(task.rtol(), task.atol(), task.equalNan(), null);
            for (PairPartial p : parts) all.merge(p);
            DiffImage picture = null;
            if (pixels != 0) {
                try {
                    if (all.mismatched > 0) picture = new DiffImage(layout, downloadImage(pixels, layout));
                } finally {
                    CudaNative.ld_cuda_free(pixels);
                }
            }
            sink.accept(index, new PairResult(all.toMetrics(), all.ref.toStats(), all.cand.toStats(), all.ref.histogram,
                    all.cand.histogram, all.diffHistogram, picture));
        }
    }

    private static void checkCounts(ByteBuffer result, int side, long n, String name) {
        if (result.getLong(side) != n || NativeResults.histogramTotal(result, side + NativeResults.SIDE_HISTOGRAM) != n) {
            throw new CudaException("the GPU result for " + name + " does not count every element");
        }
    }

    /** Elements per chunk of a pair: as many as fit a slot's buffer on the wider side. */
    static long chunkElements(DType ref, DType cand) {
        return SLOT_BYTES / Math.max(ref.byteSize(), cand.byteSize());
    }

    private long newImage(ImageLayout layout) {
        long bytes = 8L * layout.width * layout.height;
        long[] p = new long[1];
        check(CudaNative.ld_cuda_malloc(device, bytes, p), "allocating an image of " + bytes + " bytes");
        int e = CudaNative.ld_cuda_memset(p[0], 0xFF, bytes);
        if (e != 0) {
            CudaNative.ld_cuda_free(p[0]);
            check(e, "clearing an image");
        }
        return p[0];
    }

    private static double[] downloadImage(long pixels, ImageLayout layout) {
        int count = layout.width * layout.height;
        ByteBuffer host = ByteBuffer.allocateDirect(8 * count).order(ByteOrder.nativeOrder());
        check(CudaNative.ld_cuda_download(host, pixels, 8L * count), "reading an image back");
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            long b = host.getLong(8 * i);
            v[i] = b < 0 ? -1 : Double.longBitsToDouble(b);
        }
        return v;
    }

    private Slot slot(int i) {
        if (slots[i] == null) slots[i] = new Slot(SLOT_BYTES);
        return slots[i];
    }

    @Override
    public synchronized void compare(List<PairTask> tasks, ResultSink sink) throws IOException {
        int next = 0;
        List<Job> imaged = new ArrayList<>();
        try {
            for (int p = 0; p < tasks.size(); p++) {
                PairTask task = tasks.get(p);
                TensorEntry ref = task.reference(), cand = task.candidate();
                long n = ref.numel();
                if (n == 0) {
                    Job empty = new Job(p, task, 0, 1, sink);
                    empty.finish();
                    continue;
                }
                long per = chunkElements(ref.dtype(), cand.dtype());
                int chunks = Math.toIntExact((n + per - 1) / per);
                Job job = new Job(p, task, chunks, per, sink);
                if (job.pixels != 0) imaged.add(job);
                for (int c = 0; c < chunks; c++) {
                    Slot s = slot(next);
                    next = (next + 1) % SLOTS;
                    s.retire();
                    long first = c * per;
                    int len = (int) Math.min(per, n - first);
                    int rBytes = len * ref.dtype().byteSize(), cBytes = len * cand.dtype().byteSize();
                    stage(ref, first, rBytes, s.refHost, cand, cBytes, s.candHost);
                    check(CudaNative.ld_cuda_slot_compare(s.handle, type(ref.dtype()), swap(ref), rBytes,
                            type(cand.dtype()), swap(cand), cBytes, len, first, task.rtol(), task.atol(),
                            task.equalNan() ? 1 : 0, job.image()), "comparing " + ref.name());
                    s.job = job;
                    s.chunk = c;
                }
            }
            for (int i = 0; i < SLOTS; i++) {
                Slot s = slots[(next + i) % SLOTS];
                if (s != null) s.retire();
            }
        } catch (RuntimeException | IOException e) {
            abandon();
            for (Job j : imaged) if (!j.finished) CudaNative.ld_cuda_free(j.pixels);
            throw e;
        }
    }

    @Override
    public synchronized List<TensorSummary> summarize(List<TensorEntry> tensors) throws IOException {
        List<TensorSummary> out = new ArrayList<>();
        Slot s = slot(0);
        try {
            for (TensorEntry e : tensors) {
                long n = e.numel(), per = SLOT_BYTES / e.dtype().byteSize();
                SidePartial all = new SidePartial();
                for (long first = 0; first < n; first += per) {
                    int len = (int) Math.min(per, n - first), bytes = len * e.dtype().byteSize();
                    stage(e, first, bytes, s.refHost, null, 0, null);
                    check(CudaNative.ld_cuda_slot_summarize(s.handle, type(e.dtype()), swap(e), bytes, len),
                            "summarizing " + e.name());
                    check(CudaNative.ld_cuda_slot_wait(s.handle), "summarizing " + e.name());
                    checkCounts(s.result, NativeResults.REF, len, e.name());
                    SidePartial part = new SidePartial();
                    NativeResults.foldSide(s.result, NativeResults.REF, part);
                    all.merge(part);
                }
                out.add(new TensorSummary(all.toStats(), all.histogram));
            }
        } catch (RuntimeException | IOException e) {
            abandon();
            throw e;
        }
        return out;
    }

    /** After a failure: waits out every slot's work (ignoring its result) so the buffers can be reused. */
    private void abandon() {
        for (Slot s : slots) {
            if (s != null && s.job != null) {
                s.job = null;
                CudaNative.ld_cuda_slot_wait(s.handle);
            }
        }
    }

    /**
     * Copies elements {@code [first, first + bytes / size)} of {@code ref} (and as many of {@code cand})
     * into the pinned buffers, in pieces on the copy threads. Each source is read once per chunk, in
     * order, as sequential (inflating) sources need.
     */
    private void stage(TensorEntry ref, long first, int rBytes, ByteBuffer rHost, TensorEntry cand, int cBytes,
                       ByteBuffer cHost) throws IOException {
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

    private void copyInPieces(ByteBuffer src, ByteBuffer dst, List<Future<?>> copies) {
        int len = src.remaining(), at = src.position();
        for (int off = 0; off < len; off += COPY_PIECE) {
            int o = off, l = Math.min(COPY_PIECE, len - off);
            if (len <= COPY_PIECE) {
                dst.put(o, src, at + o, l);
            } else {
                copies.add(copiers.submit(() -> dst.put(o, src, at + o, l)));
            }
        }
    }

    private static void await(List<Future<?>> copies) throws IOException {
        try {
            for (Future<?> f : copies) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while staging data for the GPU", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        } finally {
            copies.clear();
        }
    }

    /**
     * Compares two tensors that are already in this GPU's memory, by address (PyTorch's
     * {@code data_ptr()}, a pointer from the JavaCPP CUDA preset, {@link DeviceMemory#address()}), with no
     * copies: one fused pass over both. The memory must stay valid until this returns.
     */
    public synchronized PairResult compareResident(DeviceTensor ref, DeviceTensor cand, double rtol, double atol,
                                                   boolean equalNan, boolean image) {
        if (ref.numel() != cand.numel()) {
            throw new IllegalArgumentException("element counts differ: " + ref.numel() + " vs " + cand.numel());
        }
        PairTask task = new PairTask(ref.asEntry("reference"), cand.asEntry("candidate"), rtol, atol, equalNan, image);
        PairResult[] out = new PairResult[1];
        if (ref.numel() == 0) {
            new Job(0, task, 0, 1, (i, r) -> out[0] = r).finish();
            return out[0];
        }
        if (resident == null) resident = new Slot(0);
        Job job = new Job(0, task, 1, ref.numel(), (i, r) -> out[0] = r);
        try {
            check(CudaNative.ld_cuda_slot_compare_device(resident.handle, ref.address(), type(ref.dtype()), 0,
                    cand.address(), type(cand.dtype()), 0, ref.numel(), 0, rtol, atol, equalNan ? 1 : 0, job.image()),
                    "comparing device tensors");
            resident.job = job;
            resident.chunk = 0;
            resident.retire();
        } catch (RuntimeException e) {
            if (job.pixels != 0 && out[0] == null) CudaNative.ld_cuda_free(job.pixels);
            resident.job = null;
            throw e;
        }
        return out[0];
    }

    /**
     * Median milliseconds of {@code reps} fused comparisons of two device tensors, timed with CUDA
     * events (for the benchmarks).
     */
    public synchronized double timeResident(DeviceTensor ref, DeviceTensor cand, int reps) {
        if (resident == null) resident = new Slot(0);
        double[] ms = new double[1];
        check(CudaNative.ld_cuda_time_compare(resident.handle, ref.address(), type(ref.dtype()), cand.address(),
                type(cand.dtype()), ref.numel(), reps, ms), "timing the kernel");
        return ms[0];
    }

    static int swap(TensorEntry e) {
        return e.byteOrder() == ByteOrder.BIG_ENDIAN && e.dtype().byteSize() > 1 ? 1 : 0;
    }

    /** The kernels' element type code ({@code LD_DT_*}). */
    static int type(DType t) {
        return switch (t) {
            case FLOAT64 -> 0;
            case FLOAT32 -> 1;
            case FLOAT16 -> 2;
            case BFLOAT16 -> 3;
            case FLOAT8_E4M3FN -> 4;
            case FLOAT8_E5M2 -> 5;
            case FLOAT8_E8M0FNU -> 6;
            case INT64 -> 7;
            case INT32 -> 8;
            case INT16 -> 9;
            case INT8 -> 10;
            case UINT64 -> 11;
            case UINT32 -> 12;
            case UINT16 -> 13;
            case UINT8 -> 14;
            case BOOL -> 15;
        };
    }

    /** Throws a {@link CudaException} naming what failed if {@code error} is not 0. */
    static void check(int error, String what) {
        if (error != 0) throw new CudaException("CUDA error while " + what + ": " + errorString(error));
    }

    static String errorString(int error) {
        return CudaNative.ld_cuda_error_string(error).getString();
    }
}
