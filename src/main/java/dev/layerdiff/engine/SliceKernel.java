package dev.layerdiff.engine;

import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The slice breakdowns of one pair along dimensions 0 and 1, in one sequential pass over both sides
 * (a second read, for the few layers a diagnosis flags). The tolerance test is the kernels' own
 * (multiply then add, equal values and same infinities equal, NaN unequal unless asked), so a
 * slice's mismatches add up to the pair's.
 */
public final class SliceKernel {
    private static final int BLOCK = KernelScratch.BLOCK;

    private SliceKernel() {}

    /** Dimensions longer than this get no breakdown (a 1-D tensor of billions of elements). */
    public static final int MAX_INDICES = 1 << 20;

    /**
     * Breakdowns along dimension 0 and, for tensors of two or more dimensions, dimension 1 (a dimension
     * longer than {@link #MAX_INDICES} is left out); an empty array for a 0-d tensor. An element's error
     * is gross when {@code |cand - ref| > grossThreshold * max(|ref|, scale)} or when it is a non-finite
     * mismatch.
     */
    public static SliceStats[] compute(PairTask task, double grossThreshold, double scale) throws IOException {
        // Pinned as the backends' reads are: the buffers are dropped on return, so a close can unmap at once.
        try (TensorData.Pin r = task.reference().data().pin(); TensorData.Pin c = task.candidate().data().pin()) {
            return breakdowns(task, grossThreshold, scale);
        }
    }

    private static SliceStats[] breakdowns(PairTask task, double grossThreshold, double scale) throws IOException {
        TensorEntry ref = task.reference(), cand = task.candidate();
        long[] shape = ref.shape();
        if (shape.length == 0) return new SliceStats[0];
        int dims = 0;
        while (dims < Math.min(2, shape.length) && shape[dims] <= MAX_INDICES) dims++;
        if (dims == 0) return new SliceStats[0];
        long numel = ref.numel();
        long[] stride = new long[dims];
        double[][] dd = new double[dims][], rr = new double[dims][];
        long[][] mm = new long[dims][], gg = new long[dims][];
        for (int k = 0; k < dims; k++) {
            long s = 1;
            for (int j = k + 1; j < shape.length; j++) s *= shape[j];
            stride[k] = s;
            int n = Math.toIntExact(shape[k]);
            dd[k] = new double[n];
            rr[k] = new double[n];
            mm[k] = new long[n];
            gg[k] = new long[n];
        }
        double rtol = task.rtol(), atol = task.atol();
        boolean equalNan = task.equalNan();
        int rSize = ref.dtype().byteSize(), cSize = cand.dtype().byteSize();
        double[] r = new double[BLOCK], c = new double[BLOCK];
        // The innermost breakdown's index is constant over runs of stride[dims - 1] elements: sums are
        // taken per run and added to each dimension's slot once, with no division per element.
        long run = stride[dims - 1];
        for (long first = 0; first < numel; first += BLOCK) {
            int len = (int) Math.min(BLOCK, numel - first);
            Decoders.decode(ref.data().read(first * rSize, len * rSize), ref.dtype(), 0, len, r);
            Decoders.decode(cand.data().read(first * cSize, len * cSize), cand.dtype(), 0, len, c);
            int i = 0;
            while (i < len) {
                long index = first + i;
                int end = (int) Math.min(len, i + (run - index % run));
                double d2 = 0, x2 = 0;
                long off = 0, gross = 0;
                for (; i < end; i++) {
                    double x = r[i], y = c[i];
                    boolean equal = x == y;
                    if (Double.isFinite(x) && Double.isFinite(y)) {
                        double d = y - x, ad = Math.abs(d), ax = Math.abs(x);
                        d2 += d * d;
                        x2 += x * x;
                        // Multiply then add, as every kernel's tolerance test.
                        double tol = atol + rtol * ax;
                        if (!equal && ad > tol) off++;
                        if (ad > grossThreshold * Math.max(ax, scale)) gross++;
                    } else if (!equal && !(equalNan && x != x && y != y)) {
                        off++;
                        gross++;
                    }
                }
                for (int k = 0; k < dims; k++) {
                    int at = (int) ((index / stride[k]) % shape[k]);
                    dd[k][at] += d2;
                    rr[k][at] += x2;
                    mm[k][at] += off;
                    gg[k][at] += gross;
                }
            }
        }
        SliceStats[] out = new SliceStats[dims];
        for (int k = 0; k < dims; k++) out[k] = new SliceStats(k, dd[k], rr[k], mm[k], gg[k], numel / Math.max(1, shape[k]));
        return out;
    }
}
