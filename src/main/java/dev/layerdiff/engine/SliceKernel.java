package dev.layerdiff.engine;

import dev.layerdiff.stats.GrossTest;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The slice breakdowns of one pair along dimensions 0 and 1, in one pass over both sides (a second
 * read, for the few layers a diagnosis flags), by chunks that may run in parallel. The tolerance test is the kernels' own
 * (multiply then add, equal values and same infinities equal, NaN unequal unless asked), so a
 * slice's mismatches add up to the pair's.
 */
public final class SliceKernel {
    private static final int BLOCK = KernelScratch.BLOCK;

    private SliceKernel() {}

    /** Dimensions longer than this get no breakdown (a 1-D tensor of billions of elements). */
    public static final int MAX_INDICES = 1 << 20;

    /** Elements per chunk: the fixed unit of summation order, whatever runs the chunks. */
    static final int CHUNK = 1 << 20;
    /** The scratch that the chunks in flight may hold at once. */
    private static final long SCRATCH_BYTES = 256L << 20;

    /**
     * Breakdowns along dimension 0 and, for tensors of two or more dimensions, dimension 1 (a dimension
     * longer than {@link #MAX_INDICES} is left out); an empty array for a 0-d tensor. Gross elements and
     * zero flips are those of {@code test}. Runs on the calling thread.
     */
    public static SliceStats[] compute(PairTask task, GrossTest test) throws IOException {
        return compute(task, test, null, 1);
    }

    /**
     * As {@link #compute(PairTask, GrossTest)}, with the chunks of a random-access pair on up to
     * {@code threads} tasks of {@code pool}. The tensor is cut into chunks of {@link #CHUNK} elements
     * whose sums are added up in chunk order, so the answer is the same bit for bit on any pool.
     */
    public static SliceStats[] compute(PairTask task, GrossTest test, ExecutorService pool, int threads)
            throws IOException {
        Layout layout = Layout.of(task.reference().shape());
        if (layout == null) return new SliceStats[0];
        Run.Settings settings = new Run.Settings(task.rtol(), task.atol(), task.equalNan(), test);
        Sums total = new Sums(layout, -1, -1);
        int chunks = (int) ((layout.numel + CHUNK - 1) / CHUNK);
        boolean random = task.reference().data().isRandomAccess() && task.candidate().data().isRandomAccess();
        int wave = pool == null || !random ? 1
                : (int) Math.max(1, Math.min(threads, SCRATCH_BYTES / Math.max(1, layout.scratchBytes(CHUNK))));
        for (int from = 0; from < chunks; from += wave) {
            int to = Math.min(chunks, from + wave);
            Sums[] parts = new Sums[to - from];
            if (to - from == 1) {
                parts[0] = chunk(task, layout, settings, from);
            } else {
                List<Future<?>> futures = new ArrayList<>();
                for (int c = from; c < to; c++) {
                    int chunk = c, at = c - from;
                    futures.add(pool.submit(() -> {
                        try {
                            parts[at] = chunk(task, layout, settings, chunk);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }));
                }
                Futures.awaitAll(futures, "computing slice breakdowns of " + task.reference().name());
            }
            for (Sums p : parts) total.add(p);
        }
        return total.toStats();
    }

    /** Chunk {@code c}'s sums, read with both sides pinned. */
    private static Sums chunk(PairTask task, Layout layout, Run.Settings settings, int c) throws IOException {
        TensorEntry ref = task.reference(), cand = task.candidate();
        // Pinned as the backends' reads are: the buffers are dropped on return, so a close can unmap at once.
        try (TensorData.Pin rp = ref.data().pin(); TensorData.Pin cp = cand.data().pin()) {
            long start = (long) c * CHUNK, stop = Math.min(layout.numel, start + CHUNK);
            Sums sums = new Sums(layout, start, stop);
            Run run = new Run(settings);
            int rSize = ref.dtype().byteSize(), cSize = cand.dtype().byteSize();
            double[] r = new double[BLOCK], x = new double[BLOCK];
            // The innermost breakdown's index is constant over runs of stride[dims - 1] elements: sums are
            // taken per run and added to each dimension's slot once, with no division per element.
            long length = layout.stride[layout.dims - 1];
            for (long first = start; first < stop; first += BLOCK) {
                int len = (int) Math.min(BLOCK, stop - first);
                Decoders.decode(ref.data().read(first * rSize, len * rSize), ref.dtype(), 0, len, r);
                Decoders.decode(cand.data().read(first * cSize, len * cSize), cand.dtype(), 0, len, x);
                for (int i = 0; i < len; ) {
                    long index = first + i;
                    int end = (int) Math.min(len, i + (length - index % length));
                    run.sum(r, x, i, end);
                    i = end;
                    sums.add(index, run);
                }
            }
            return sums;
        }
    }

    /** The dimensions broken down, their lengths and strides. */
    private record Layout(int dims, long[] shape, long[] stride, long numel) {
        static Layout of(long[] shape) {
            int dims = 0;
            while (dims < Math.min(2, shape.length) && shape[dims] <= MAX_INDICES) dims++;
            if (dims == 0) return null;
            long[] stride = new long[dims];
            for (int k = 0; k < dims; k++) {
                long s = 1;
                for (int j = k + 1; j < shape.length; j++) s *= shape[j];
                stride[k] = s;
            }
            return new Layout(dims, shape, stride, Shapes.numel(shape));
        }

        /** Slots of dimension {@code k} that elements {@code [start, stop)} touch: all, or a range without wrapping. */
        int span(int k, long start, long stop) {
            if (stop <= start) return 0;
            long lines = (stop - 1) / stride[k] - start / stride[k] + 1;
            return (int) Math.min(shape[k], lines);
        }

        long scratchBytes(long elements) {
            long b = 0;
            for (int k = 0; k < dims; k++) b += 32L * Math.min(shape[k], elements / stride[k] + 2);
            return b;
        }
    }

    /**
     * The sums of elements {@code [start, stop)}, per slot of each dimension. When the range touches
     * fewer slots than a dimension has, they are kept from the first one on, without wrapping.
     */
    private static final class Sums {
        private final Layout layout;
        private final long[] base;
        private final double[][] d2, x2, flipD2;
        private final long[][] off, gross, flips, nonfinite;

        /** The sums of {@code [start, stop)}; of every slot when {@code start} is negative. */
        Sums(Layout layout, long start, long stop) {
            this.layout = layout;
            int dims = layout.dims;
            base = new long[dims];
            d2 = new double[dims][];
            x2 = new double[dims][];
            off = new long[dims][];
            gross = new long[dims][];
            flipD2 = new double[dims][];
            flips = new long[dims][];
            nonfinite = new long[dims][];
            for (int k = 0; k < dims; k++) {
                int n = start < 0 ? (int) layout.shape[k] : layout.span(k, start, stop);
                // A range that touches every slot keeps them in slot order; base -1 says so.
                base[k] = n == layout.shape[k] ? -1 : start / layout.stride[k];
                d2[k] = new double[n];
                x2[k] = new double[n];
                off[k] = new long[n];
                gross[k] = new long[n];
                flipD2[k] = new double[n];
                flips[k] = new long[n];
                nonfinite[k] = new long[n];
            }
        }

        private int slot(int k, long line) {
            return (int) (base[k] < 0 ? line % layout.shape[k] : line - base[k]);
        }

        void add(long index, Run run) {
            for (int k = 0; k < layout.dims; k++) {
                int at = slot(k, index / layout.stride[k]);
                d2[k][at] += run.d2;
                x2[k][at] += run.x2;
                off[k][at] += run.off;
                gross[k][at] += run.gross;
                flipD2[k][at] += run.flipD2;
                flips[k][at] += run.flips;
                nonfinite[k][at] += run.nonfinite;
            }
        }

        /** Adds a part's sums (this one holds every slot). */
        void add(Sums p) {
            for (int k = 0; k < layout.dims; k++) {
                for (int j = 0; j < p.d2[k].length; j++) {
                    int at = p.base[k] < 0 ? j : (int) ((p.base[k] + j) % layout.shape[k]);
                    d2[k][at] += p.d2[k][j];
                    x2[k][at] += p.x2[k][j];
                    off[k][at] += p.off[k][j];
                    gross[k][at] += p.gross[k][j];
                    flipD2[k][at] += p.flipD2[k][j];
                    flips[k][at] += p.flips[k][j];
                    nonfinite[k][at] += p.nonfinite[k][j];
                }
            }
        }

        SliceStats[] toStats() {
            SliceStats[] out = new SliceStats[layout.dims];
            for (int k = 0; k < layout.dims; k++) {
                out[k] = new SliceStats(k, d2[k], x2[k], off[k], gross[k], flips[k], flipD2[k], nonfinite[k],
                        layout.numel / Math.max(1, layout.shape[k]));
            }
            return out;
        }
    }

    /** The sums of one run of elements, the finite fast path first. */
    private static final class Run {
        /** The tests of one pair, shared by its chunks. */
        record Settings(double rtol, double atol, boolean equalNan, GrossTest gross) {}

        private final double rtol, atol, grossThreshold, scale, grossFloor, reach;
        private final boolean equalNan, fast;
        double d2, x2, flipD2;
        long off, gross, flips, nonfinite;

        Run(Settings s) {
            rtol = s.rtol();
            atol = s.atol();
            equalNan = s.equalNan();
            grossThreshold = s.gross().threshold();
            scale = s.gross().scale();
            reach = s.gross().reach();
            // max(|ref|, scale) * t is |ref| * t or scale * t exactly, so the test splits in two.
            grossFloor = grossThreshold * scale;
            // With no negative bound, an equal pair (|d| = 0) is never off or gross: no equality test.
            fast = rtol >= 0 && atol >= 0 && grossThreshold >= 0 && scale >= 0;
        }

        void sum(double[] r, double[] c, int from, int to) {
            if (fast && finite(r, c, from, to)) return;
            careful(r, c, from, to);
        }

        /**
         * Sums the run assuming every element is finite, and says whether that held: {@code x - x}
         * is 0 for a finite x and NaN otherwise, so one NaN check covers the run.
         */
        private boolean finite(double[] r, double[] c, int from, int to) {
            double d2 = 0, x2 = 0, flipD2 = 0, check = 0;
            long off = 0, gross = 0, flips = 0;
            for (int i = from; i < to; i++) {
                double x = r[i], y = c[i];
                double d = y - x, ad = Math.abs(d), ax = Math.abs(x);
                check += (x - x) + (y - y);
                d2 += d * d;
                x2 += x * x;
                // Multiply then add, as every kernel's tolerance test.
                off += ad > atol + rtol * ax ? 1 : 0;
                boolean g = ad > grossThreshold * ax && ad > grossFloor;
                gross += g ? 1 : 0;
                // With one side zero, |d| is the other side's magnitude.
                boolean flip = g && (x == 0) != (y == 0) && ad <= reach;
                flips += flip ? 1 : 0;
                flipD2 += flip ? d * d : 0;
            }
            if (check != 0) return false;
            store(d2, x2, flipD2, off, gross, flips, 0);
            return true;
        }

        private void careful(double[] r, double[] c, int from, int to) {
            double d2 = 0, x2 = 0, flipD2 = 0;
            long off = 0, gross = 0, flips = 0, nonfinite = 0;
            for (int i = from; i < to; i++) {
                double x = r[i], y = c[i];
                boolean equal = x == y;
                if (Double.isFinite(x) && Double.isFinite(y)) {
                    double d = y - x, ad = Math.abs(d), ax = Math.abs(x);
                    d2 += d * d;
                    x2 += x * x;
                    double tol = atol + rtol * ax;
                    if (!equal && ad > tol) off++;
                    if (ad > grossThreshold * Math.max(ax, scale)) {
                        gross++;
                        if ((x == 0) != (y == 0) && ad <= reach) {
                            flips++;
                            flipD2 += d * d;
                        }
                    }
                } else if (!equal && !(equalNan && x != x && y != y)) {
                    off++;
                    gross++;
                    nonfinite++;
                }
            }
            store(d2, x2, flipD2, off, gross, flips, nonfinite);
        }

        private void store(double d2, double x2, double flipD2, long off, long gross, long flips, long nonfinite) {
            this.d2 = d2;
            this.x2 = x2;
            this.flipD2 = flipD2;
            this.off = off;
            this.gross = gross;
            this.flips = flips;
            this.nonfinite = nonfinite;
        }
    }
}
