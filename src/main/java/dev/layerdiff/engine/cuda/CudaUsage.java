package dev.layerdiff.engine.cuda;

/**
 * What a CUDA backend holds, as numbers: its stream lanes (each staging lane holds as many device bytes
 * as pinned ones) and the device memory blocks it has handed out and not had back. All zero once closed.
 *
 * @param lanes        stream lanes created and not destroyed
 * @param pinnedBytes  pinned host bytes of those lanes' staging buffers
 * @param deviceBlocks device memory blocks (images, {@link DeviceMemory}) not yet freed
 * @param deviceBytes  bytes of those blocks
 */
public record CudaUsage(int lanes, long pinnedBytes, int deviceBlocks, long deviceBytes) {
    /** Nothing held. */
    public static final CudaUsage NONE = new CudaUsage(0, 0, 0, 0);

    @Override
    public String toString() {
        return lanes + " stream lanes (" + pinnedBytes + " pinned bytes), " + deviceBlocks + " device blocks ("
                + deviceBytes + " bytes)";
    }
}
