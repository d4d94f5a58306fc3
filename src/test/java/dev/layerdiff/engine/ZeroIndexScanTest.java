package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.stats.ZeroIndices;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The early-exit scan finds exactly the indices a per-element loop finds all zero, and reads little for live ones. */
class ZeroIndexScanTest {
    private static final int BLOCK = KernelScratch.BLOCK;

    /** Shapes whose runs of one index straddle blocks, runs longer than a block, and dims of length 1. */
    private static final long[][] SHAPES = {{2, 3}, {3, 7, 5}, {2, BLOCK + 1}, {1, 3 * BLOCK + 7, 1}, {5, 1, 2, BLOCK - 1},
        {4, 16, 12, 12}, {3, 2, 1}, {7, 13}, {2, 5, 2 * BLOCK + 3}};

    @Test
    void findsTheAllZeroIndicesAlongEachDimensionOfRandomAndSequentialSources() throws IOException {
        Random rnd = new Random(31);
        for (long[] shape : SHAPES) {
            for (int dim = 0; dim < shape.length; dim++) {
                double[] v = withDeadIndices(rnd, shape, dim);
                for (DType t : new DType[] {DType.FLOAT32, DType.BFLOAT16, DType.FLOAT64}) {
                    TensorEntry random = TestTensors.tensor(t, ByteOrder.LITTLE_ENDIAN, shape, v);
                    TensorEntry seq = TestTensors.entry("s", t, shape, ByteOrder.LITTLE_ENDIAN, TestTensors.sequential(random.data()));
                    for (TensorEntry e : new TensorEntry[] {random, seq}) {
                        ZeroIndices z = ZeroIndexScan.scan(e, dim, Long.MAX_VALUE);
                        String as = String.format("%s %s dim %d %s", t, Shapes.format(shape), dim, e == seq ? "sequential" : "random");
                        assertThat(z.indices()).as(as).containsExactly(naive(shape, v, dim));
                        assertThat(z.complete()).as(as).isTrue();
                        assertThat(z.elements() * z.size()).as(as).isEqualTo(e.numel());
                        assertThat(z.bytesRead()).as(as).isLessThanOrEqualTo(e.byteSize());
                    }
                }
            }
        }
    }

    @Test
    void negativeZeroIsZeroAndNanAndSubnormalsAreNot() throws IOException {
        TensorEntry e = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, new long[] {2, 4},
                new double[] {-0.0, Double.NaN, 0, 0.0, 0.0, 0, Double.NEGATIVE_INFINITY, 0x1p-149});
        assertThat(ZeroIndexScan.scan(e, 1, Long.MAX_VALUE).indices()).containsExactly(0);
    }

    @Test
    void aLayerWithoutDeadUnitsCostsAboutABlockPerUnit() throws IOException {
        long[] shape = {8, 64, 32, 32};   // 64 channels of 8 x 1024 values; none is zero
        double[] v = TestTensors.activations(new Random(5), (int) Shapes.numel(shape), 0);
        for (int i = 0; i < v.length; i++) if (v[i] == 0) v[i] = 1;
        TensorEntry e = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, v);
        ZeroIndices z = ZeroIndexScan.scan(e, 1, Long.MAX_VALUE);
        assertThat(z.indices()).isEmpty();
        assertThat(z.bytesRead()).isEqualTo(64L * BLOCK * 4);
        assertThat(e.byteSize()).isEqualTo(8 * z.bytesRead());
    }

    @Test
    void theByteLimitStopsTheScanAndSaysSo() throws IOException {
        long[] shape = {4, 3, BLOCK};
        double[] v = new double[(int) Shapes.numel(shape)];   // all zero: every index must be read whole
        TensorEntry e = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, v);
        ZeroIndices partial = ZeroIndexScan.scan(e, 1, e.byteSize() - 1);
        assertThat(partial.complete()).isFalse();
        assertThat(partial.indices()).isEmpty();
        assertThat(partial.bytesRead()).isLessThan(e.byteSize());
        ZeroIndices whole = ZeroIndexScan.scan(e, 1, e.byteSize());
        assertThat(whole.complete()).isTrue();
        assertThat(whole.indices()).containsExactly(0, 1, 2);
        assertThat(whole.bytesRead()).isEqualTo(e.byteSize());
    }

    /** Zero (either sign) in a third of the places, NaN and subnormals among the rest, and some indices zero throughout. */
    private static double[] withDeadIndices(Random rnd, long[] shape, int dim) {
        int n = (int) Shapes.numel(shape);
        long inner = 1;
        for (int j = dim + 1; j < shape.length; j++) inner *= shape[j];
        double[] v = new double[n];
        boolean[] dead = new boolean[(int) shape[dim]];
        for (int i = 0; i < dead.length; i++) dead[i] = dead.length > 1 && rnd.nextInt(3) == 0;
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(30);
            boolean off = dead[(int) ((i / inner) % shape[dim])];
            v[i] = k < 10 ? (k % 2 == 0 ? 0.0 : -0.0) : off ? (k % 2 == 0 ? 0.0 : -0.0)
                    : k == 10 ? Double.NaN : k == 11 ? 0x1p-130 : rnd.nextGaussian();
        }
        return v;
    }

    private static int[] naive(long[] shape, double[] v, int dim) {
        long inner = 1;
        for (int j = dim + 1; j < shape.length; j++) inner *= shape[j];
        boolean[] live = new boolean[(int) shape[dim]];
        for (int i = 0; i < v.length; i++) if (v[i] != 0) live[(int) ((i / inner) % shape[dim])] = true;
        return IntStream.range(0, live.length).filter(i -> !live[i]).toArray();
    }
}
