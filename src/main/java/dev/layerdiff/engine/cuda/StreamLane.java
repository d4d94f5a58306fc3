package dev.layerdiff.engine.cuda;

import dev.layerdiff.engine.NativeResults;
import dev.layerdiff.engine.PairJob;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One CUDA stream with its pinned host staging buffers (one per side), device buffers of the same size
 * and the result of the last operation enqueued on it, plus the chunk it is working on. Work on
 * different lanes overlaps. A lane of 0 bytes has no buffers: it compares tensors already on the device.
 * One thread uses a lane at a time.
 */
final class StreamLane implements AutoCloseable {
    private final long handle;
    private final long bytes;
    private final ByteBuffer refHost, candHost, result;
    /** The chunk in flight: its pair, index and length; job is null when there is none. */
    private PairJob job;
    private int chunk;
    private long length;
    private boolean closed;

    private StreamLane(long handle, long bytes) {
        this.handle = handle;
        this.bytes = bytes;
        refHost = bytes == 0 ? null : CudaNative.ld_cuda_lane_host(handle, 0).capacity(bytes).asByteBuffer();
        candHost = bytes == 0 ? null : CudaNative.ld_cuda_lane_host(handle, 1).capacity(bytes).asByteBuffer();
        result = CudaNative.ld_cuda_lane_result(handle).capacity(NativeResults.PAIR_BYTES).asByteBuffer()
                .order(ByteOrder.nativeOrder());
    }

    /** A lane on {@code device} with staging buffers of {@code bytes} per side (0 for none). */
    static StreamLane create(int device, long bytes) {
        long[] h = new long[1];
        CudaErrors.check(CudaNative.ld_cuda_lane_create(device, bytes, h),
                "creating a stream with " + bytes + "-byte buffers");
        return new StreamLane(h[0], bytes);
    }

    /** The native handle, for enqueueing work. */
    long handle() {
        ensureOpen();
        return handle;
    }

    /** Bytes per side of the staging buffers. */
    long bytes() {
        return bytes;
    }

    /** The pinned buffer of the reference side. */
    ByteBuffer refHost() {
        ensureOpen();
        return refHost;
    }

    /** The pinned buffer of the candidate side. */
    ByteBuffer candHost() {
        ensureOpen();
        return candHost;
    }

    /** The result of the last operation, valid after {@link #await(String)}. */
    ByteBuffer result() {
        ensureOpen();
        return result;
    }

    /** Records that chunk {@code chunk} ({@code length} elements) of {@code job} was enqueued. */
    void inFlight(PairJob job, int chunk, long length) {
        this.job = job;
        this.chunk = chunk;
        this.length = length;
    }

    /** Waits for what was enqueued; throws naming {@code what} if it failed. */
    void await(String what) {
        CudaErrors.check(CudaNative.ld_cuda_lane_wait(handle()), what);
    }

    /** Waits for the chunk in flight, if any, and hands its result to its job. */
    void retire() {
        if (job == null) return;
        PairJob j = job;
        job = null;
        await("comparing " + j.task().reference().name());
        j.chunkDone(chunk, LaneResults.pair(result, j, length));
    }

    /** After a failure: waits out the chunk in flight, ignoring its result, so the buffers can be reused. */
    void abandon() {
        if (job == null || closed) return;
        job = null;
        CudaNative.ld_cuda_lane_wait(handle);
    }

    /** Waits for its work and frees the stream and its buffers. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        job = null;
        CudaNative.ld_cuda_lane_destroy(handle);
    }

    private void ensureOpen() {
        // The buffers are pinned memory that close() frees: a read after it would crash the JVM.
        if (closed) throw new IllegalStateException("this CUDA stream lane is closed");
    }
}
