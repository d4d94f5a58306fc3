package dev.layerdiff.engine.cuda;

import java.nio.ByteBuffer;

/**
 * A block of GPU memory owned by layerdiff (cudaMalloc), for callers that have tensors on the host and
 * want them on the device (tests, benchmarks). Close it to free it.
 */
public final class DeviceMemory implements AutoCloseable {
    private final long address;
    private final long bytes;
    private boolean closed;

    private DeviceMemory(long address, long bytes) {
        this.address = address;
        this.bytes = bytes;
    }

    /** Allocates {@code bytes} on the backend's device. */
    public static DeviceMemory allocate(CudaBackend backend, long bytes) {
        long[] p = new long[1];
        CudaBackend.check(CudaNative.ld_cuda_malloc(backend.device(), bytes, p), "allocating " + bytes + " bytes");
        return new DeviceMemory(p[0], bytes);
    }

    /** The device address. */
    public long address() {
        return address;
    }

    /** Size in bytes. */
    public long byteSize() {
        return bytes;
    }

    /** Copies {@code src}'s remaining bytes (a direct buffer) to offset {@code at}. */
    public void upload(long at, ByteBuffer src) {
        if (!src.isDirect()) throw new IllegalArgumentException("upload needs a direct buffer");
        if (at < 0 || at + src.remaining() > bytes) throw new IndexOutOfBoundsException("upload past the end");
        CudaBackend.check(CudaNative.ld_cuda_upload(address + at, src.slice(), src.remaining()), "uploading");
    }

    /** Copies bytes from offset {@code at} into {@code dst}'s remaining space (a direct buffer). */
    public void download(long at, ByteBuffer dst) {
        if (!dst.isDirect()) throw new IllegalArgumentException("download needs a direct buffer");
        if (at < 0 || at + dst.remaining() > bytes) throw new IndexOutOfBoundsException("download past the end");
        CudaBackend.check(CudaNative.ld_cuda_download(dst.slice(), address + at, dst.remaining()), "downloading");
    }

    /**
     * Median milliseconds of {@code reps} device-to-device copies of {@code bytes} from {@code src} to this
     * block (the bandwidth baseline of the benchmarks).
     */
    public double timeCopyFrom(DeviceMemory src, long bytes, int reps) {
        double[] ms = new double[1];
        CudaBackend.check(CudaNative.ld_cuda_time_copy_d2d(address, src.address, bytes, reps, ms), "timing a copy");
        return ms[0];
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        CudaBackend.check(CudaNative.ld_cuda_free(address), "freeing device memory");
    }
}
