package dev.layerdiff.engine.cuda;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Owns the device memory of one backend (as Arrow's allocators do): counts the blocks it handed out
 * and their bytes, frees what is still open when it closes (idempotent), and refuses to allocate after.
 */
final class DeviceAllocator implements AutoCloseable {
    /** The native calls it makes, each returning 0 or a {@code cudaError_t}; tests count them without a GPU. */
    interface Calls {
        int malloc(int device, long bytes, long[] address);

        int free(long address);
    }

    private static final Calls CUDA = new Calls() {
        @Override
        public int malloc(int device, long bytes, long[] address) {
            return CudaNative.ld_cuda_malloc(device, bytes, address);
        }

        @Override
        public int free(long address) {
            return CudaNative.ld_cuda_free(address);
        }
    };

    private final int device;
    private final Calls calls;
    private final Set<DeviceMemory> open = new LinkedHashSet<>();
    private long bytes;
    private boolean closed;

    DeviceAllocator(int device) {
        this(device, CUDA);
    }

    DeviceAllocator(int device, Calls calls) {
        this.device = device;
        this.calls = calls;
    }

    /** A block of {@code size} bytes, freed by its {@link DeviceMemory#close()} or by this allocator's. */
    synchronized DeviceMemory allocate(long size, String what) {
        if (closed) throw new IllegalStateException("cannot allocate " + what + ": the CUDA backend on device " + device + " is closed");
        if (size < 0) throw new IllegalArgumentException("negative size " + size + " for " + what);
        long[] p = new long[1];
        CudaErrors.check(calls.malloc(device, size, p), "allocating " + what + " of " + size + " bytes");
        DeviceMemory m = new DeviceMemory(this, p[0], size);
        open.add(m);
        bytes += size;
        return m;
    }

    /** Frees {@code m}, at {@code address} (called once, by {@link DeviceMemory#close()}). */
    synchronized void free(DeviceMemory m, long address) {
        if (!open.remove(m)) return;
        bytes -= m.byteSize();
        CudaErrors.check(calls.free(address), "freeing " + m.byteSize() + " bytes of device memory");
    }

    /** Blocks allocated and not yet freed. */
    synchronized int blocks() {
        return open.size();
    }

    /** Bytes of those blocks. */
    synchronized long bytes() {
        return bytes;
    }

    /** Frees every block still open; each one's later use throws. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        CudaException first = null;
        for (DeviceMemory m : List.copyOf(open)) {
            try {
                m.close();
            } catch (CudaException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
