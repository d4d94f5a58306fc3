package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.stats.ErrorEstimate;
import dev.layerdiff.stats.TensorDigest;
import dev.layerdiff.stats.TensorSketch;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sketch is what its definition says (written out here a second time, element by element), does not
 * depend on how the pass chunks the tensor or on the byte order of the file, and its estimates hold the
 * exact relative error within their bounds in at least 95% of layers, over many seeds and error shapes.
 */
class TensorSketchTest {

    @Test
    void theDigestFollowsTheDefinitionWhateverTheChunking() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        long[] shape = {6, 10, 33};
        double[] values = new double[6 * 10 * 33];
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        values[17] = Float.NaN;
        values[18] = Float.NEGATIVE_INFINITY;
        TensorEntry little = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, values);
        TensorEntry big = TestTensors.tensor(DType.FLOAT32, ByteOrder.BIG_ENDIAN, shape, values);

        TensorSketch expected = definition(values, shape, 64);
        for (int chunk : new int[] {1, 7, 64, 1 << 20}) {
            try (CpuBackend cpu = new CpuBackend(CpuKernels.lookup(), 2, chunk)) {
                for (TensorEntry e : List.of(little, big)) {
                    TensorDigest d = cpu.digest(List.of(e), 64).get(0);
                    assertThat(d.sketch().hash()).as("chunk %d", chunk).isEqualTo(expected.hash());
                    assertThat(d.sketch().buckets()).as("chunk %d", chunk).containsExactly(expected.buckets(), org.assertj.core.data.Offset.offset(1e-12));
                    assertThat(d.sketch().dim0().values()).containsExactly(expected.dim0().values(), org.assertj.core.data.Offset.offset(1e-12));
                    assertThat(d.sketch().dim1().values()).containsExactly(expected.dim1().values(), org.assertj.core.data.Offset.offset(1e-12));
                    assertThat(d.stats().nan()).isEqualTo(1);
                }
                // A sequential source (a deflated zip member) is read by one part, and gives the same sketch.
                TensorEntry sequential = TestTensors.entry("x", DType.FLOAT32, shape, ByteOrder.LITTLE_ENDIAN,
                        TestTensors.sequential(little.data()));
                TensorSketch s = cpu.digest(List.of(sequential), 64).get(0).sketch();
                TensorSketch r = cpu.digest(List.of(little), 64).get(0).sketch();
                assertThat(s.hash()).isEqualTo(r.hash());
                assertThat(s.buckets()).as("chunk %d, sequential", chunk).containsExactly(r.buckets());
                assertThat(s.dim0().values()).containsExactly(r.dim0().values());
                assertThat(s.dim1().values()).containsExactly(r.dim1().values());
            }
        }
        assertThat(expected.dim0().buckets()).isEqualTo(32); // 256 / 6, down to a power of two
        assertThat(expected.dim1().buckets()).isEqualTo(16);
        assertThat(TensorSketch.buckets(1, 1024)).isEqualTo(1);
        assertThat(TensorSketch.buckets(5, 1024)).isEqualTo(8);
        assertThat(TensorSketch.buckets(1 << 20, 1024)).isEqualTo(1024);
    }

    /** The native kernel's sketch (float32, float16, bfloat16 from mapped files) is the Java kernel's, bit for bit. */
    @Test
    void theNativeKernelSketchesAsTheJavaKernelDoes() throws IOException {
        for (String file : List.of("/fixtures/cnn_ref_cpu.safetensors", "/fixtures/cnn_gpu_fp16.safetensors", "/fixtures/tf_gpu_bf16.safetensors", "/soundness/pad64_bf16.safetensors")) {
            try (dev.layerdiff.archive.Archive a = dev.layerdiff.archive.Archives.open(dev.layerdiff.Fixtures.resource(file));
                 CpuBackend java = new CpuBackend(CpuKernels.scalar(), 2, 1 << 12);
                 CpuBackend native_ = new CpuBackend(CpuKernels.lookup(), 2, 1 << 12)) {
                List<TensorDigest> expected = java.digest(a.tensors(), 1024), actual = native_.digest(a.tensors(), 1024);
                for (int i = 0; i < expected.size(); i++) {
                    TensorSketch e = expected.get(i).sketch(), g = actual.get(i).sketch();
                    String what = file + " " + a.tensors().get(i).name() + " (" + a.tensors().get(i).dtype() + ")";
                    assertThat(g.hash()).as(what).isEqualTo(e.hash());
                    assertThat(g.buckets()).as(what).containsExactly(e.buckets());
                    if (e.dim0() != null) assertThat(g.dim0().values()).as(what).containsExactly(e.dim0().values());
                    if (e.dim1() != null) assertThat(g.dim1().values()).as(what).containsExactly(e.dim1().values());
                }
            }
        }
    }

    @Test
    void oneBitDifferentChangesTheHashAndTheSameBitsKeepIt() throws IOException {
        double[] a = {1, 2, 3, 4, 5}, b = {1, 2, 3, 4, Math.nextUp((float) 5)};
        try (CpuBackend cpu = new CpuBackend()) {
            List<TensorDigest> d = cpu.digest(List.of(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, a),
                    TestTensors.tensor(DType.FLOAT32, ByteOrder.BIG_ENDIAN, a), TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, b)), 1024);
            assertThat(d.get(0).sketch().hash()).isEqualTo(d.get(1).sketch().hash()).isNotEqualTo(d.get(2).sketch().hash());
            assertThat(ErrorEstimate.of(d.get(0).sketch(), d.get(0).stats(), d.get(1).sketch(), d.get(1).stats()).identical()).isTrue();
        }
    }

    @Test
    void estimatesHoldTheExactErrorWithinTheirBoundsIn95PercentOfLayers() throws IOException {
        int layers = 0, within = 0;
        double worstBand = 0;
        try (CpuBackend cpu = new CpuBackend()) {
            for (int seed = 0; seed < 400; seed++) {
                SplittableRandom random = new SplittableRandom(seed);
                int n = 1 << random.nextInt(6, 16);
                double[] ref = new double[n], cand = new double[n];
                double scale = Math.pow(10, -random.nextInt(1, 7));
                int kind = seed % 4;
                for (int i = 0; i < n; i++) {
                    ref[i] = random.nextGaussian();
                    double noise = switch (kind) {
                        case 0 -> scale * random.nextGaussian();                          // dense noise
                        case 1 -> random.nextInt(97) == 0 ? scale * 100 : 0;              // sparse, large
                        case 2 -> i < n / 16 ? 0.5 * ref[i] : 0;                          // one channel scaled
                        default -> scale * ref[i];                                        // a scaled tensor
                    };
                    cand[i] = ref[i] + noise;
                }
                List<TensorDigest> d = cpu.digest(List.of(TestTensors.tensor(DType.FLOAT64, ByteOrder.LITTLE_ENDIAN, ref),
                        TestTensors.tensor(DType.FLOAT64, ByteOrder.LITTLE_ENDIAN, cand)), 1024);
                ErrorEstimate e = ErrorEstimate.of(d.get(0).sketch(), d.get(0).stats(), d.get(1).sketch(), d.get(1).stats());
                double exact = exactRelativeError(ref, cand);
                layers++;
                if (exact >= e.relativeErrorLow() && exact <= e.relativeErrorHigh()) within++;
                if (n >= 4096) worstBand = Math.max(worstBand, (e.relativeErrorHigh() - e.relativeErrorLow()) / exact);
            }
        }
        assertThat(within).as("layers whose exact error lies within the estimate's bounds").isGreaterThanOrEqualTo(layers * 95 / 100);
        assertThat(worstBand).as("the widest band, relative, at 1024 buckets").isLessThan(0.35);
    }

    private static double exactRelativeError(double[] ref, double[] cand) {
        double d = 0, r = 0;
        for (int i = 0; i < ref.length; i++) {
            d += (cand[i] - ref[i]) * (cand[i] - ref[i]);
            r += ref[i] * ref[i];
        }
        return Math.sqrt(d / r);
    }

    /** TensorSketch's definition, element by element, for float32 values. */
    private static TensorSketch definition(double[] values, long[] shape, int maxBuckets) {
        int k = TensorSketch.buckets(values.length, maxBuckets);
        int ks0 = TensorSketch.sliceBuckets(shape[0]), ks1 = TensorSketch.sliceBuckets(shape[1]);
        double[] buckets = new double[k], dim0 = new double[(int) shape[0] * ks0], dim1 = new double[(int) shape[1] * ks1];
        long terms = 0;
        long inner0 = values.length / shape[0], inner1 = inner0 / shape[1];
        for (int i = 0; i < values.length; i++) {
            long h = TensorSketch.mix(i ^ TensorSketch.SEED);
            terms += TensorSketch.mix((Float.floatToRawIntBits((float) values[i]) & 0xFFFFFFFFL) ^ h);
            if (!Double.isFinite(values[i])) continue;
            double v = (h >>> 63) == 0 ? values[i] : -values[i];
            buckets[(int) (h & (k - 1))] += v;
            dim0[(int) (i / inner0) * ks0 + (int) ((h >>> 32) & (ks0 - 1))] += v;
            dim1[(int) ((i / inner1) % shape[1]) * ks1 + (int) ((h >>> 32) & (ks1 - 1))] += v;
        }
        return new TensorSketch(TensorSketch.mix(values.length + terms), buckets,
                new TensorSketch.Slices(0, (int) shape[0], ks0, dim0), new TensorSketch.Slices(1, (int) shape[1], ks1, dim1));
    }
}
