package dev.layerdiff.engine;

import dev.layerdiff.stats.PairResult;
import dev.layerdiff.stats.TensorSummary;

import static dev.layerdiff.engine.Assertions2.assertMetrics;
import static dev.layerdiff.engine.Assertions2.assertStats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scalar CPU backend against the plain float64 definitions in {@link ReferenceCompare}. */
class MetricsTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private final CpuBackend backend = new CpuBackend(CpuKernels.scalar(), 2, 1000);

    private PairResult compare(TensorEntry r, TensorEntry c, double rtol, double atol, boolean equalNan) throws IOException {
        return backend.compare(List.of(new PairTask(r, c, rtol, atol, equalNan, true))).get(0);
    }

    private void check(double[] r, DType rt, double[] c, DType ct, ByteOrder order, boolean equalNan) throws IOException {
        double[] rv = TestTensors.rounded(rt, r), cv = TestTensors.rounded(ct, c);
        PairResult res = compare(TestTensors.tensor(rt, order, r), TestTensors.tensor(ct, order, c), 1e-3, 1e-5, equalNan);
        assertMetrics(ReferenceCompare.metrics(rv, cv, 1e-3, 1e-5, equalNan), res.metrics());
        assertStats("ref", ReferenceCompare.stats(rv), res.referenceStats());
        assertStats("cand", ReferenceCompare.stats(cv), res.candidateStats());
        assertThat(res.referenceHistogram()).isEqualTo(ReferenceCompare.histogram(rv));
        assertThat(res.candidateHistogram()).isEqualTo(ReferenceCompare.histogram(cv));
        assertThat(res.diffHistogram()).isEqualTo(ReferenceCompare.diffHistogram(rv, cv));
    }

    @Test
    void randomActivationsFloat32() throws IOException {
        Random rnd = new Random(1);
        for (int n : new int[] {1, 999, 1000, 1001, 12345}) {
            double[] r = TestTensors.activations(rnd, n, 0.0);
            check(r, DType.FLOAT32, TestTensors.perturbed(rnd, r, 0.0), DType.FLOAT32, LE, false);
        }
    }

    @Test
    void specialsWithAndWithoutEqualNan() throws IOException {
        Random rnd = new Random(2);
        double[] r = TestTensors.activations(rnd, 5000, 0.05);
        double[] c = TestTensors.perturbed(rnd, r, 0.05);
        check(r, DType.FLOAT32, c, DType.FLOAT32, LE, false);
        check(r, DType.FLOAT32, c, DType.FLOAT32, LE, true);
        check(r, DType.FLOAT64, c, DType.FLOAT64, ByteOrder.BIG_ENDIAN, true);
    }

    @Test
    void mixedDtypesAndBigEndian() throws IOException {
        Random rnd = new Random(3);
        double[] r = TestTensors.activations(rnd, 3000, 0.01);
        double[] c = TestTensors.perturbed(rnd, r, 0.01);
        check(r, DType.FLOAT32, c, DType.FLOAT64, ByteOrder.BIG_ENDIAN, false);
        check(r, DType.FLOAT64, c, DType.FLOAT32, LE, false);
    }

    @Test
    void float32AgainstFloat16() throws IOException {
        // 0x3C00 = 1.0, 0x0001 = 2^-24 (subnormal), 0x7C00 = +Inf, 0x7E00 = NaN, 0x8000 = -0.0
        var half = TestTensors.entry("h", DType.FLOAT16, new long[] {5}, LE, TestTensors.of(
                java.nio.ByteBuffer.wrap(new byte[] {0, 0x3C, 1, 0, 0, 0x7C, 0, 0x7E, 0, (byte) 0x80}).order(LE)));
        var single = TestTensors.tensor(DType.FLOAT32, LE, 1.0, 0.0, Double.POSITIVE_INFINITY, Double.NaN, 0.0);
        PairResult res = compare(single, half, 0, 0, true);
        assertThat(res.metrics().mismatched()).isEqualTo(1); // 2^-24 vs 0
        assertThat(res.metrics().maxAbs()).isEqualTo(Math.scalb(1.0, -24));
        assertThat(res.metrics().maxAbsIndex()).isEqualTo(1);
        assertThat(res.metrics().finitePairs()).isEqualTo(3);
        assertThat(res.candidateStats().zeroFraction()).isEqualTo(0.2);
        assertThat(res.diffHistogram().zero()).isEqualTo(3); // 1==1, inf==inf, -0.0 == 0.0
        assertThat(res.diffHistogram().nan()).isEqualTo(1);
    }

    @Test
    void negativeZeroEqualsZeroButSortsBelowIt() throws IOException {
        PairResult res = compare(TestTensors.tensor(DType.FLOAT32, LE, 0.0, -0.0), TestTensors.tensor(DType.FLOAT32, LE, -0.0, 0.0), 0, 0, false);
        assertThat(res.metrics().mismatched()).isZero();
        assertThat(Double.doubleToRawLongBits(res.referenceStats().min())).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(Double.doubleToRawLongBits(res.referenceStats().max())).isEqualTo(0L);
        assertThat(res.referenceStats().zeroFraction()).isEqualTo(1.0);
        assertThat(res.metrics().cosine()).isEqualTo(1.0);
        assertThat(res.metrics().maxAbsIndex()).isZero();
    }

    @Test
    void infinitiesAndNans() throws IOException {
        double inf = Double.POSITIVE_INFINITY, nan = Double.NaN;
        double[] r = {inf, inf, -inf, nan, nan, 1, 2};
        double[] c = {inf, -inf, 1, nan, 1, nan, 2};
        check(r, DType.FLOAT32, c, DType.FLOAT32, LE, false);
        check(r, DType.FLOAT32, c, DType.FLOAT32, LE, true);
        PairResult res = compare(TestTensors.tensor(DType.FLOAT32, LE, r), TestTensors.tensor(DType.FLOAT32, LE, c), 0, 0, true);
        assertThat(res.metrics().mismatched()).isEqualTo(4);
        assertThat(res.metrics().finitePairs()).isEqualTo(1);
        assertThat(res.diffHistogram().posInf()).isEqualTo(2); // inf vs -inf, -inf vs 1
        assertThat(res.diffHistogram().nan()).isEqualTo(3);
        assertThat(res.diffHistogram().zero()).isEqualTo(2); // inf == inf counts as no difference
    }

    @Test
    void emptyAndScalarTensors() throws IOException {
        PairResult empty = compare(TestTensors.tensor(DType.FLOAT32, LE, new long[] {0, 4}, new double[0]),
                TestTensors.tensor(DType.FLOAT32, LE, new long[] {0, 4}, new double[0]), 0, 0, false);
        assertThat(empty.metrics().maxAbs()).isZero();
        assertThat(empty.metrics().maxAbsIndex()).isEqualTo(-1);
        assertThat(empty.metrics().cosine()).isEqualTo(1.0);
        assertThat(empty.metrics().meanAbs()).isZero();
        assertThat(empty.metrics().mismatched()).isZero();
        assertThat(empty.referenceStats().count()).isZero();
        assertThat(empty.referenceStats().zeroFraction()).isZero();
        assertThat(empty.referenceStats().mean()).isNaN();
        assertThat(empty.image()).as("no element is off: no image").isNull();

        PairResult scalar = compare(TestTensors.tensor(DType.FLOAT64, LE, new long[0], new double[] {3}),
                TestTensors.tensor(DType.FLOAT64, LE, new long[0], new double[] {-1}), 0, 0, false);
        assertThat(scalar.metrics().maxAbs()).isEqualTo(4.0);
        assertThat(scalar.metrics().maxAbsIndex()).isZero();
        assertThat(scalar.metrics().maxRel()).isEqualTo(4.0 / 3);
        assertThat(scalar.image().width()).isEqualTo(1);
        assertThat(scalar.image().height()).isEqualTo(1);
    }

    @Test
    void integerAndBoolTensors() throws IOException {
        double[] r = {0, 1, -5, 100, 7}, c = {0, 2, -5, 90, 7};
        check(r, DType.INT32, c, DType.INT64, ByteOrder.BIG_ENDIAN, false);
        check(r, DType.INT16, c, DType.INT8, LE, false);
        check(new double[] {1, 0, 1}, DType.BOOL, new double[] {1, 1, 0}, DType.BOOL, LE, false);
        check(new double[] {0, 200, 255}, DType.UINT8, new double[] {1, 200, 254}, DType.UINT16, LE, false);
    }

    @Test
    void allZeroReferenceGivesMinusInfSqnrAndZeroCosine() throws IOException {
        PairResult res = compare(TestTensors.tensor(DType.FLOAT32, LE, 0, 0), TestTensors.tensor(DType.FLOAT32, LE, 1, 0), 0, 0, false);
        assertThat(res.metrics().sqnrDb()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(res.metrics().cosine()).isZero();
        assertThat(res.metrics().maxRel()).isZero();
        PairResult same = compare(TestTensors.tensor(DType.FLOAT32, LE, 1, 2), TestTensors.tensor(DType.FLOAT32, LE, 1, 2), 0, 0, false);
        assertThat(same.metrics().sqnrDb()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void summarizeMatchesReference() throws IOException {
        Random rnd = new Random(5);
        double[] v = TestTensors.rounded(DType.FLOAT32, TestTensors.activations(rnd, 4321, 0.02));
        TensorSummary s = backend.summarize(List.of(TestTensors.tensor(DType.FLOAT32, LE, v))).get(0);
        assertStats("summary", ReferenceCompare.stats(v), s.stats());
        assertThat(s.histogram()).isEqualTo(ReferenceCompare.histogram(v));
    }
}
