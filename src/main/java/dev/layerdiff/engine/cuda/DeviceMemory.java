package dev.layerdiff.engine.cuda;

import java.nio.ByteBuffer;

/**
 * A block of GPU memory owned by layerdiff (cudaMalloc), for callers that have tensors on the host and
 * want them on the device (tests, benchmarks), and for the backend's own images. Close it to free it;
 * closing the backend frees every block still open. Not thread-safe.
 */
public final class DeviceMemory implements AutoCloseable {
    private final DeviceAllocator owner;
    private final long address;
    private final long bytes;
    private boolean closed;

    DeviceMemory(DeviceAllocator owner, long address, long bytes) {
        this.owner = owner;
        this.address = address;
        this.bytes = bytes;
    }

    /** Allocates {@code bytes} on the backend's device; the backend owns it until it is closed. */
    public static DeviceMemory allocate(CudaBackend backend, long bytes) {
        return backend.memory().allocate(bytes, "device memory");
    }

    /** The device address. */
    public long address() {
        ensureOpen("reading the address of");
        return address;
    }

    /** Size in bytes. */
    public long byteSize() {
        return bytes;
    }

    /** Whether it has been freed. */
    public boolean isClosed() {
        return closed;
    }

    /** Copies {@code src}'s remaining bytes (a direct buffer) to offset {@code at}. */
    public void upload(long at, ByteBuffer src) {
        ensureOpen("uploading to");
        if (!src.isDirect()) throw new IllegalArgumentException("upload needs a direct buffer");
        checkRange("upload", at, src.remaining());
        CudaErrors.check(CudaNative.ld_cuda_upload(address + at, src.slice(), src.remaining()), "uploading");
    }

    /** Copies bytes from offset {@code at} into {@code dst}'s remaining space (a direct buffer). */
    public void download(long at, ByteBuffer dst) {
        ensureOpen("downloading from");
        if (!dst.isDirect()) throw new IllegalArgumentException("download needs a direct buffer");
        checkRange("download", at, dst.remaining());
        CudaErrors.check(CudaNative.ld_cuda_download(dst.slice(), address + at, dst.remaining()), "downloading");
    }

    /** Sets every byte to {@code value}. */
    void fill(int value) {
        ensureOpen("filling");
        CudaErrors.check(CudaNative.ld_cuda_memset(address, value, bytes), "filling " + bytes + " bytes of device memory");
    }

    private void checkRange(String what, long at, long length) {
        if (at < 0 || at > bytes - length) {
            throw new IndexOutOfBoundsException(what + " of " + length + " bytes at offset " + at + " is outside [0, "
                    + bytes + ")");
        }
    }

    private void ensureOpen(String what) {
        if (closed) {
            throw new IllegalStateException(what + " device memory of " + bytes + " bytes at 0x" + Long.toHexString(address)
                    + ": it is closed");
        }
    }

    /** Frees the block. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        owner.free(this, address);
    }
}
