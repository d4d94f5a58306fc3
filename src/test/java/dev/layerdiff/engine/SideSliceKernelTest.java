package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.stats.SideSliceStats;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The single-side slice pass counts, per index of a dimension, what a per-element loop counts. */
class SideSliceKernelTest {
    private static final int BLOCK = KernelScratch.BLOCK;

    /** Shapes whose runs of one index straddle the kernel's blocks, and dims of length 1 around the one counted. */
    private static final long[][] SHAPES = {{2, 3}, {3, 7, 5}, {2, BLOCK + 1}, {1, 3 * BLOCK + 7, 1}, {5, 1, 2, BLOCK - 1},
        {4, 16, 12, 12}, {3, 2, 1}, {7, 13}};

    @Test
    void countsMatchAnElementLoopAlongEachDimension() throws IOException {
        Random rnd = new Random(31);
        for (long[] shape : SHAPES) {
            double[] v = values(rnd, (int) Shapes.numel(shape));
            for (DType t : new DType[] {DType.FLOAT32, DType.BFLOAT16, DType.FLOAT64}) {
                TensorEntry e = TestTensors.tensor(t, ByteOrder.LITTLE_ENDIAN, shape, v);
                for (int dim = 0; dim < shape.length; dim++) {
                    SideSliceStats s = SideSliceKernel.compute(e, dim);
                    assertThat(s.nonzero()).as("%s %s dim %d", t, Shapes.format(shape), dim).containsExactly(naive(shape, v, dim));
                    assertThat(s.elements() * s.size()).isEqualTo(e.numel());
                    assertThat(s.dim()).isEqualTo(dim);
                }
            }
        }
    }

    @Test
    void sequentialSourcesAreReadOnceFromTheStart() throws IOException {
        long[] shape = {3, 5, BLOCK / 2 + 3};
        double[] v = values(new Random(32), (int) Shapes.numel(shape));
        TensorEntry random = TestTensors.tensor(DType.FLOAT32, ByteOrder.BIG_ENDIAN, shape, v);
        TensorEntry seq = TestTensors.entry("s", DType.FLOAT32, shape, ByteOrder.BIG_ENDIAN, TestTensors.sequential(random.data()));
        assertThat(SideSliceKernel.compute(seq, 1).nonzero()).containsExactly(naive(shape, v, 1));
    }

    @Test
    void negativeZeroIsZeroAndNanIsNot() throws IOException {
        TensorEntry e = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, new long[] {2, 3},
                new double[] {-0.0, Double.NaN, 0, 0.0, Double.NEGATIVE_INFINITY, 0x1p-149});
        assertThat(SideSliceKernel.compute(e, 1).nonzero()).containsExactly(0, 2, 1);
    }

    /** Zero (either sign) in a third of the places; NaN and a subnormal (of float32 and bfloat16 alike) among the rest. */
    private static double[] values(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(30);
            v[i] = k < 10 ? (k % 2 == 0 ? 0.0 : -0.0) : k == 10 ? Double.NaN : k == 11 ? 0x1p-130 : rnd.nextGaussian();
        }
        return v;
    }

    private static long[] naive(long[] shape, double[] v, int dim) {
        long inner = 1;
        for (int j = dim + 1; j < shape.length; j++) inner *= shape[j];
        long[] out = new long[(int) shape[dim]];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0) out[(int) ((i / inner) % shape[dim])]++;
        }
        return out;
    }
}
