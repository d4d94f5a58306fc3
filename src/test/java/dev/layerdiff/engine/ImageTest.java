package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.ImageLayout;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Image geometry and the row-run walk against a brute-force block maximum per element. */
class ImageTest {

    @Test
    void layoutOfShapes() {
        ImageLayout scalar = ImageLayout.of(new long[0]);
        assertThat(new int[] {scalar.width, scalar.height}).containsExactly(1, 1);
        ImageLayout strip = ImageLayout.of(new long[] {5000});
        assertThat(new int[] {strip.width, strip.height, strip.columnsPerPixel}).containsExactly(1000, 1, 5);
        ImageLayout tiles = ImageLayout.of(new long[] {2, 5, 3, 4}); // L = 10 -> 4 x 3 tiles of 3 x 4
        assertThat(tiles.tilesX).isEqualTo(4);
        assertThat(tiles.tilesY).isEqualTo(3);
        assertThat(new int[] {tiles.width, tiles.height}).containsExactly(16, 9);
        ImageLayout big = ImageLayout.of(new long[] {3000, 2049});
        assertThat(new int[] {big.rowsPerPixel, big.columnsPerPixel, big.width, big.height}).containsExactly(3, 3, 683, 1000);
    }

    @Test
    void imageMatchesBruteForce() throws IOException {
        Random rnd = new Random(9);
        CpuBackend backend = new CpuBackend(CpuKernels.scalar(), 2, 777);
        for (long[] shape : new long[][] {{5000}, {2, 5, 3, 4}, {3000, 2049}, {7, 33, 1}, {1, 1, 1}}) {
            int n = (int) dev.layerdiff.tensor.Shapes.numel(shape);
            double[] r = TestTensors.rounded(DType.FLOAT32, TestTensors.activations(rnd, n, 0.0005));
            double[] c = TestTensors.rounded(DType.FLOAT32, TestTensors.perturbed(rnd, r, 0.0005));
            DiffImage img = backend.compare(List.of(new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, r),
                    TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, c), 0, 0, false, true))).get(0).image();
            ImageLayout g = ImageLayout.of(shape);
            double[] max = new double[g.width * g.height];
            Arrays.fill(max, -1);
            for (int i = 0; i < n; i++) {
                double a = r[i] == c[i] ? 0 : Math.abs(c[i] - r[i]);
                double key = Double.isFinite(a) ? a : Double.POSITIVE_INFINITY;
                int p = g.pixelOf(i);
                max[p] = Math.max(max[p], key);
            }
            assertThat(img.blockMax()).as(Arrays.toString(shape)).isEqualTo(max);
        }
    }
}
