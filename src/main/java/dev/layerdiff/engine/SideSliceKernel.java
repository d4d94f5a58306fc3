package dev.layerdiff.engine;

import dev.layerdiff.stats.SideSliceStats;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The breakdown of one tensor along one dimension, in one sequential pass over its bytes: a second
 * read, for the few layers a health check flags (as {@link SliceKernel} is for a pair).
 */
public final class SideSliceKernel {
    private static final int BLOCK = KernelScratch.BLOCK;

    private SideSliceKernel() {}

    /**
     * Non-zero counts per index of dimension {@code dim}, which must exist and be at most
     * {@link SliceKernel#MAX_INDICES} long.
     */
    public static SideSliceStats compute(TensorEntry tensor, int dim) throws IOException {
        // Pinned as the backends' reads are: the buffers are dropped on return, so a close can unmap at once.
        try (TensorData.Pin pin = tensor.data().pin()) {
            return counts(tensor, dim);
        }
    }

    private static SideSliceStats counts(TensorEntry tensor, int dim) throws IOException {
        long[] shape = tensor.shape();
        int n = Math.toIntExact(shape[dim]);
        long inner = 1;
        for (int j = dim + 1; j < shape.length; j++) inner *= shape[j];
        long numel = tensor.numel();
        long[] nonzero = new long[n];
        int size = tensor.dtype().byteSize();
        double[] v = new double[BLOCK];
        // C order: elements of one index of dim come in runs of `inner`, so the index advances by
        // counting instead of dividing per element.
        long run = 0;
        int at = 0;
        for (long first = 0; first < numel; first += BLOCK) {
            int len = (int) Math.min(BLOCK, numel - first);
            ByteBuffer b = tensor.data().read(first * size, len * size);
            Decoders.decode(b, tensor.dtype(), 0, len, v);
            for (int i = 0; i < len; i++) {
                if (v[i] != 0) nonzero[at]++; // NaN != 0 holds: a NaN is not a zero
                if (++run == inner) {
                    run = 0;
                    if (++at == n) at = 0;
                }
            }
        }
        return new SideSliceStats(dim, nonzero, n == 0 ? 0 : numel / n);
    }
}
