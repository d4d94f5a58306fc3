package dev.layerdiff.engine;

import dev.layerdiff.stats.ZeroIndices;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Which indices of one dimension hold nothing but zeros: a second read, for the layers a health check
 * flags, that stops as soon as it can. An index is settled by its first non-zero element, so a live
 * index costs one block of its first run; only all-zero indices are read whole. A random-access
 * source skips the runs of settled indices; a sequential one is read from the start until every index
 * is settled, or, when runs are shorter than a block, it is read that way too.
 */
public final class ZeroIndexScan {
    private static final int BLOCK = KernelScratch.BLOCK;

    private ZeroIndexScan() {}

    /**
     * Scans {@code tensor} along {@code dim} (which must exist and be at most
     * {@link SliceKernel#MAX_INDICES} long), reading at most {@code byteLimit} bytes.
     */
    public static ZeroIndices scan(TensorEntry tensor, int dim, long byteLimit) throws IOException {
        // Pinned as the backends' reads are: the buffers are dropped on return, so a close can unmap at once.
        try (TensorData.Pin pin = tensor.data().pin()) {
            return new Scan(tensor, dim, byteLimit).run();
        }
    }

    private static final class Scan {
        private final TensorEntry tensor;
        private final int dim, size, n;
        private final long inner, numel, limit;
        private final boolean[] live;
        private final double[] v = new double[BLOCK];
        private int unsettled;
        private long bytes;

        Scan(TensorEntry tensor, int dim, long limit) {
            this.tensor = tensor;
            this.dim = dim;
            this.limit = limit;
            long[] shape = tensor.shape();
            n = Math.toIntExact(shape[dim]);
            long in = 1;
            for (int j = dim + 1; j < shape.length; j++) in *= shape[j];
            inner = in;
            numel = tensor.numel();
            size = tensor.dtype().byteSize();
            live = new boolean[n];
            unsettled = numel == 0 ? 0 : n;
        }

        ZeroIndices run() throws IOException {
            // Skipping pays one read per run; runs shorter than a block are cheaper read in sequence.
            boolean complete = tensor.data().isRandomAccess() && inner >= BLOCK ? skipping() : sequential();
            long elements = n == 0 ? 0 : numel / n;
            if (!complete) return new ZeroIndices(dim, n, new int[0], elements, bytes, false);
            int[] zero = new int[n - countLive()];
            for (int i = 0, k = 0; i < n; i++) if (!live[i]) zero[k++] = i;
            return new ZeroIndices(dim, n, zero, elements, bytes, true);
        }

        /** C order: index {@code i}'s elements come in runs of {@code inner}, one run per outer position. */
        private boolean skipping() throws IOException {
            for (long run = 0; unsettled > 0 && run * inner < numel; run++) {
                int at = (int) (run % n);
                if (live[at]) continue;
                for (long first = run * inner, end = first + inner; first < end; first += BLOCK) {
                    int len = (int) Math.min(BLOCK, end - first);
                    if (!decode(first, len)) return false;
                    if (anyNonzero(0, len)) {
                        settle(at);
                        break;
                    }
                }
            }
            return true;
        }

        private boolean sequential() throws IOException {
            long run = 0;
            int at = 0;
            for (long first = 0; unsettled > 0 && first < numel; first += BLOCK) {
                int len = (int) Math.min(BLOCK, numel - first);
                if (!decode(first, len)) return false;
                int i = 0;
                while (i < len) {
                    // The part of this block that belongs to index `at`: runs of `inner` elements.
                    int end = (int) Math.min(len, i + (inner - run));
                    if (!live[at] && anyNonzero(i, end)) settle(at);
                    run += end - i;
                    i = end;
                    if (run == inner) {
                        run = 0;
                        if (++at == n) at = 0;
                    }
                }
            }
            return true;
        }

        /** Decodes {@code len} elements from {@code first}, unless that would pass the byte limit. */
        private boolean decode(long first, int len) throws IOException {
            long b = (long) len * size;
            if (bytes + b > limit) return false;
            bytes += b;
            ByteBuffer buf = tensor.data().read(first * size, len * size);
            Decoders.decode(buf, tensor.dtype(), 0, len, v);
            return true;
        }

        private boolean anyNonzero(int from, int to) {
            for (int i = from; i < to; i++) if (v[i] != 0) return true; // NaN != 0 holds: a NaN is not a zero
            return false;
        }

        private void settle(int at) {
            live[at] = true;
            unsettled--;
        }

        private int countLive() {
            int k = 0;
            for (boolean l : live) if (l) k++;
            return k;
        }
    }
}
