package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.stats.GrossTest;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The slice pass gives, index by index, what a per-element loop with the plain tolerance and gross
 * tests gives: its finite fast path and its careful path for runs with NaN or infinities, exactly.
 */
class SliceKernelTest {
    private static final int BLOCK = KernelScratch.BLOCK;
    private static final long[][] SHAPES = {{2, 3}, {3, 7, 5}, {2, BLOCK + 1}, {1, 3 * BLOCK + 7, 1}, {5, 1, 2, BLOCK - 1},
        {4, 16, 12, 12}, {7}, {2, 5, 2 * BLOCK + 3}};

    /**
     * rtol, atol, equalNan, gross threshold, scale, reach of a zero flip: the usual ones, and bounds that
     * make an equal pair count.
     */
    private static final double[][] SETTINGS = {{1e-5, 1e-8, 0, 0x1p-8, 0.5, 1}, {0, 0, 1, 0x1p-8, 0, Double.POSITIVE_INFINITY},
        {1e-3, 1e-6, 1, 0.1, 2, 0}, {1e-5, -1, 0, 0x1p-8, 0.5, 2.5}, {1e-5, 1e-8, 0, -1, 0.5, 1}};

    private static GrossTest test(double[] s) {
        return new GrossTest(s[3], s[4], s[5]);
    }

    @Test
    void matchesAnElementLoopWithAndWithoutNonFiniteValues() throws IOException {
        Random rnd = new Random(41);
        for (long[] shape : SHAPES) {
            int n = (int) Shapes.numel(shape);
            for (double specials : new double[] {0, 0.001, 0.05}) {
                double[] ref = TestTensors.rounded(DType.FLOAT32, TestTensors.activations(rnd, n, specials));
                double[] cand = TestTensors.rounded(DType.FLOAT32, TestTensors.perturbed(rnd, ref, specials));
                TensorEntry r = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, ref);
                TensorEntry c = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, cand);
                for (double[] s : SETTINGS) {
                    PairTask task = new PairTask(r, c, s[0], s[1], s[2] != 0, false);
                    SliceStats[] actual = SliceKernel.compute(task, test(s));
                    SliceStats[] expected = naive(shape, ref, cand, s);
                    assertThat(actual).hasSameSizeAs(expected);
                    for (int k = 0; k < expected.length; k++) {
                        String as = String.format("%s specials %s settings %s dim %d", Shapes.format(shape), specials,
                                java.util.Arrays.toString(s), k);
                        assertThat(actual[k].mismatched()).as(as + " mismatched").containsExactly(expected[k].mismatched());
                        assertThat(actual[k].gross()).as(as + " gross").containsExactly(expected[k].gross());
                        assertThat(actual[k].flips()).as(as + " flips").containsExactly(expected[k].flips());
                        assertThat(actual[k].nonfinite()).as(as + " nonfinite").containsExactly(expected[k].nonfinite());
                        assertThat(actual[k].elements()).as(as).isEqualTo(expected[k].elements());
                        for (int j = 0; j < expected[k].size(); j++) {
                            Assertions2.assertClose(as + " sumSqDiff " + j, expected[k].sumSqDiff()[j], actual[k].sumSqDiff()[j], 0);
                            Assertions2.assertClose(as + " sumSqRef " + j, expected[k].sumSqRef()[j], actual[k].sumSqRef()[j], 0);
                            Assertions2.assertClose(as + " flipSqDiff " + j, expected[k].flipSqDiff()[j], actual[k].flipSqDiff()[j], 0);
                        }
                    }
                }
            }
        }
    }

    @Test
    void chunksOnAPoolGiveTheSameBitsAndTheElementLoopsCounts() throws Exception {
        int chunk = SliceKernel.CHUNK;
        // Lines of dim 1 that straddle chunks, a chunk holding all of dim 1, and a run longer than a chunk.
        long[][] shapes = {{3, 5, chunk / 4 + 3}, {5, 3, 101}, {2, 3 * chunk / 2 + 1}, {1, 2, chunk + 5}};
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Random rnd = new Random(43);
            for (long[] shape : shapes) {
                int n = (int) Shapes.numel(shape);
                double[] ref = TestTensors.rounded(DType.FLOAT32, TestTensors.activations(rnd, n, 1e-5));
                double[] cand = TestTensors.rounded(DType.FLOAT32, TestTensors.perturbed(rnd, ref, 1e-5));
                PairTask task = new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, ref),
                        TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, cand), 1e-5, 1e-8, false, false);
                SliceStats[] alone = SliceKernel.compute(task, test(SETTINGS[0]));
                SliceStats[] pooled = SliceKernel.compute(task, test(SETTINGS[0]), pool, 3);
                SliceStats[] expected = naive(shape, ref, cand, SETTINGS[0]);
                for (int k = 0; k < expected.length; k++) {
                    String as = Shapes.format(shape) + " dim " + k;
                    assertThat(pooled[k].sumSqDiff()).as(as).containsExactly(alone[k].sumSqDiff());
                    assertThat(pooled[k].sumSqRef()).as(as).containsExactly(alone[k].sumSqRef());
                    assertThat(pooled[k].mismatched()).as(as).containsExactly(expected[k].mismatched());
                    assertThat(pooled[k].gross()).as(as).containsExactly(expected[k].gross());
                    assertThat(pooled[k].flips()).as(as).containsExactly(expected[k].flips());
                    assertThat(pooled[k].flipSqDiff()).as(as).containsExactly(alone[k].flipSqDiff());
                    for (int j = 0; j < expected[k].size(); j++) {
                        Assertions2.assertClose(as + " sumSqDiff " + j, expected[k].sumSqDiff()[j], pooled[k].sumSqDiff()[j], 0);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static SliceStats[] naive(long[] shape, double[] ref, double[] cand, double[] s) {
        int dims = 0;
        while (dims < Math.min(2, shape.length) && shape[dims] <= SliceKernel.MAX_INDICES) dims++;
        SliceStats[] out = new SliceStats[dims];
        for (int k = 0; k < dims; k++) {
            long stride = 1;
            for (int j = k + 1; j < shape.length; j++) stride *= shape[j];
            int size = (int) shape[k];
            double[] d2 = new double[size], x2 = new double[size];
            double[] fd2 = new double[size];
            long[] off = new long[size], gross = new long[size], flips = new long[size], nonfinite = new long[size];
            for (int i = 0; i < ref.length; i++) {
                int at = (int) ((i / stride) % size);
                double x = ref[i], y = cand[i];
                boolean equal = x == y;
                if (Double.isFinite(x) && Double.isFinite(y)) {
                    double ad = Math.abs(y - x);
                    d2[at] += (y - x) * (y - x);
                    x2[at] += x * x;
                    if (!equal && ad > s[1] + s[0] * Math.abs(x)) off[at]++;
                    if (ad > s[3] * Math.max(Math.abs(x), s[4])) {
                        gross[at]++;
                        boolean oneZero = (x == 0) != (y == 0);
                        if (oneZero && Math.max(Math.abs(x), Math.abs(y)) <= s[5]) {
                            flips[at]++;
                            fd2[at] += (y - x) * (y - x);
                        }
                    }
                } else if (!equal && !(s[2] != 0 && x != x && y != y)) {
                    off[at]++;
                    gross[at]++;
                    nonfinite[at]++;
                }
            }
            out[k] = new SliceStats(k, d2, x2, off, gross, flips, fd2, nonfinite, ref.length / size);
        }
        return out;
    }
}
