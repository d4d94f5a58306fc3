package dev.layerdiff.engine.cuda;

import dev.layerdiff.engine.Chunks;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.PairJob;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.engine.SidePartial;
import dev.layerdiff.stats.ImageLayout;
import dev.layerdiff.stats.PairResult;
import dev.layerdiff.stats.TensorSummary;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The CUDA backend: each pair streams through the {@value StreamLanes#LANES} staging lanes of
 * {@link StreamLanes} (a CUDA stream each, with pinned host buffers): while the GPU copies and compares
 * one chunk, {@link HostStaging} copies the next from the archive into another lane's pinned buffer.
 * Only each chunk's small result comes back; chunk results merge on the host in chunk order
 * ({@link PairJob}), as the CPU backend's do, so the metrics match it exactly (sums within
 * {@link CompareBackend#SUM_RELATIVE_TOLERANCE}). Tensors already on the GPU are compared in place by
 * {@link #compareResident}.
 *
 * <p>One comparison runs at a time per backend (the lanes are its state); the methods are synchronized.
 * Every CUDA error becomes a {@link CudaException}; a result whose histograms do not count every element
 * is refused the same way, so a failure is never a silently wrong result. The backend owns its lanes,
 * copy threads and device memory: {@link #close()} frees them and reports any device memory a caller
 * left open; after it, every method throws.
 */
public final class CudaBackend implements CompareBackend {
    private static final Logger LOG = Logger.getLogger(CudaBackend.class.getName());

    private final int device;
    private final String deviceName;
    private final DeviceAllocator memory;
    private final StreamLanes lanes;
    private final HostStaging staging = new HostStaging();
    private boolean closed;

    CudaBackend(int device, String deviceName) {
        this.device = device;
        this.deviceName = deviceName;
        this.memory = new DeviceAllocator(device);
        this.lanes = new StreamLanes(device);
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** The CUDA device index. */
    int device() {
        return device;
    }

    /** The owner of this backend's device memory. */
    DeviceAllocator memory() {
        return memory;
    }

    /** The GPU this backend runs on, e.g. {@code NVIDIA H100 80GB HBM3 (device 0)}. */
    public String deviceDescription() {
        return deviceName + " (device " + device + ")";
    }

    /** Elements per chunk of a pair: as many as fit a lane's buffer on the wider side. */
    static long chunkElements(DType ref, DType cand) {
        return StreamLanes.LANE_BYTES / Math.max(ref.byteSize(), cand.byteSize());
    }

    @Override
    public synchronized void compare(List<PairTask> tasks, ResultSink sink) throws IOException {
        ensureOpen();
        int next = 0;
        List<PairJob> started = new ArrayList<>();
        try {
            for (int p = 0; p < tasks.size(); p++) {
                PairTask task = tasks.get(p);
                TensorEntry ref = task.reference(), cand = task.candidate();
                Chunks chunks = new Chunks(ref.numel(), chunkElements(ref.dtype(), cand.dtype()));
                DeviceImage image = chunks.count() > 0 && task.image()
                        ? DeviceImage.allocate(memory, ImageLayout.of(ref.shape())) : null;
                PairJob job = PairJob.start(p, task, chunks.count(), image, sink);
                started.add(job);
                long[] descriptor = image == null ? null : image.descriptor();
                for (int c = 0; c < chunks.count(); c++) {
                    StreamLane s = lanes.staging(next);
                    next = (next + 1) % StreamLanes.LANES;
                    s.retire();
                    long first = chunks.first(c);
                    int len = chunks.length(c);
                    int rBytes = len * ref.dtype().byteSize(), cBytes = len * cand.dtype().byteSize();
                    staging.stage(ref, first, rBytes, s.refHost(), cand, cBytes, s.candHost());
                    CudaErrors.check(CudaNative.ld_cuda_lane_compare(s.handle(), CudaTypes.code(ref.dtype()),
                            CudaTypes.swap(ref), rBytes, CudaTypes.code(cand.dtype()), CudaTypes.swap(cand), cBytes, len,
                            first, task.rtol(), task.atol(), task.equalNan() ? 1 : 0, descriptor),
                            "comparing " + ref.name());
                    s.inFlight(job, c, len);
                }
            }
            lanes.retireAll(next);
        } catch (RuntimeException | IOException e) {
            lanes.abandon();
            for (PairJob j : started) j.abandon();
            throw e;
        }
    }

    @Override
    public synchronized List<TensorSummary> summarize(List<TensorEntry> tensors) throws IOException {
        ensureOpen();
        List<TensorSummary> out = new ArrayList<>();
        StreamLane s = lanes.staging(0);
        try {
            for (TensorEntry e : tensors) {
                Chunks chunks = new Chunks(e.numel(), StreamLanes.LANE_BYTES / e.dtype().byteSize());
                SidePartial all = new SidePartial();
                for (int c = 0; c < chunks.count(); c++) {
                    int len = chunks.length(c), bytes = len * e.dtype().byteSize();
                    staging.stage(e, chunks.first(c), bytes, s.refHost(), null, 0, null);
                    CudaErrors.check(CudaNative.ld_cuda_lane_summarize(s.handle(), CudaTypes.code(e.dtype()),
                            CudaTypes.swap(e), bytes, len), "summarizing " + e.name());
                    s.await("summarizing " + e.name());
                    all.merge(LaneResults.side(s.result(), len, e.name()));
                }
                out.add(new TensorSummary(all.toStats(), all.histogram));
            }
        } catch (RuntimeException | IOException e) {
            lanes.abandon();
            throw e;
        }
        return out;
    }

    /**
     * Compares two tensors that are already in this GPU's memory, by address (PyTorch's
     * {@code data_ptr()}, a pointer from the JavaCPP CUDA preset, {@link DeviceMemory#address()}), with no
     * copies: one fused pass over both. The memory must stay valid until this returns.
     */
    public synchronized PairResult compareResident(DeviceTensor ref, DeviceTensor cand, double rtol, double atol,
                                                   boolean equalNan, boolean image) {
        ensureOpen();
        if (ref.numel() != cand.numel()) {
            throw new IllegalArgumentException("element counts differ: " + ref.numel() + " vs " + cand.numel());
        }
        PairTask task = new PairTask(ref.asEntry("reference"), cand.asEntry("candidate"), rtol, atol, equalNan, image);
        PairResult[] out = new PairResult[1];
        int chunks = ref.numel() == 0 ? 0 : 1;
        DeviceImage pixels = chunks > 0 && image ? DeviceImage.allocate(memory, ImageLayout.of(ref.shape())) : null;
        PairJob job = PairJob.start(0, task, chunks, pixels, (i, r) -> out[0] = r);
        if (chunks == 0) return out[0];
        StreamLane lane = lanes.resident();
        try {
            CudaErrors.check(CudaNative.ld_cuda_lane_compare_device(lane.handle(), ref.address(),
                    CudaTypes.code(ref.dtype()), 0, cand.address(), CudaTypes.code(cand.dtype()), 0, ref.numel(), 0,
                    rtol, atol, equalNan ? 1 : 0, pixels == null ? null : pixels.descriptor()),
                    "comparing device tensors");
            lane.inFlight(job, 0, ref.numel());
            lane.retire();
        } catch (RuntimeException e) {
            lane.abandon();
            job.abandon();
            throw e;
        }
        return out[0];
    }

    /** What this backend holds now. */
    public synchronized CudaUsage usage() {
        return new CudaUsage(lanes.count(), lanes.pinnedBytes(), memory.blocks(), memory.bytes());
    }

    /**
     * Frees the lanes, the copy threads and every device memory block still open, logging a warning
     * with the numbers if a caller left blocks open. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        CudaUsage left = usage();
        if (left.deviceBlocks() > 0) {
            LOG.warning(() -> "closing the CUDA backend on device " + device + " with " + left.deviceBlocks()
                    + " device memory blocks (" + left.deviceBytes() + " bytes) still open: freeing them");
        }
        try {
            lanes.close();
            staging.close();
        } finally {
            memory.close();
        }
    }

    /** Whether {@link #close()} has run. */
    public synchronized boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the CUDA backend on device " + device + " is closed");
    }
}
