package dev.layerdiff.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.engine.TestTensors;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each finding on tensors made to sit on either side of its threshold. */
class HealthCheckTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final List<TensorEntry> tensors = new ArrayList<>();

    private void add(String name, DType dtype, long[] shape, double... values) {
        TensorEntry e = dtype == DType.FLOAT16
                ? TestTensors.entry(name, dtype, shape, LE, TestTensors.of(half(values)))
                : TestTensors.tensor(dtype, LE, shape, values);
        tensors.add(e.renamed(name, tensors.size()));
    }

    private void add(String name, double... values) {
        add(name, DType.FLOAT32, new long[] {values.length}, values);
    }

    private List<Finding> findings() throws IOException {
        return HealthCheck.check("mem", tensors, new CpuBackend()).findings();
    }

    private List<Finding> findings(Finding.Kind kind) throws IOException {
        return findings().stream().filter(f -> f.kind() == kind).toList();
    }

    /** Units of dim 1 zero in {@code dead}; the others ReLU of noise (zero about half the time). */
    private static double[] relu(int batch, int units, int positions, int... dead) {
        Random rnd = new Random(batch);
        double[] v = new double[batch * units * positions];
        for (int i = 0; i < v.length; i++) {
            int unit = (i / positions) % units;
            v[i] = Arrays.stream(dead).anyMatch(d -> d == unit) ? 0 : Math.max(0, rnd.nextGaussian());
        }
        return v;
    }

    @Test
    void deadUnitsAreReportedWhenChanceCannotExplainThem() throws IOException {
        add("relu", DType.FLOAT32, new long[] {16, 8, 4}, relu(16, 8, 4, 2, 5));
        List<Finding> dead = findings(Finding.Kind.DEAD_UNITS);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).layer()).isEqualTo("relu");
        assertThat(dead.get(0).dim()).isEqualTo(1);
        assertThat(dead.get(0).indices()).containsExactly(2, 5);
    }

    @Test
    void aSmallBatchIsNoEvidenceOfDeadUnits() throws IOException {
        // 4 values per unit, half of them zero: 6 live units * 2^-4 = 0.375 > CHANCE.
        add("relu", DType.FLOAT32, new long[] {4, 8}, relu(4, 8, 1, 2, 5));
        assertThat(findings()).isEmpty();
    }

    @Test
    void deadUnitsPassedOnAreNamedOnce() throws IOException {
        double[] v = relu(16, 8, 4, 3);
        add("relu", DType.FLOAT32, new long[] {16, 8, 4}, v);
        add("dropout", DType.FLOAT32, new long[] {16, 8, 4}, v);
        add("conv", DType.FLOAT32, new long[] {16, 4, 8}, relu(16, 4, 8, 1));
        List<Finding> dead = findings(Finding.Kind.DEAD_UNITS);
        assertThat(dead).extracting(Finding::layer).containsExactly("relu", "conv");
        assertThat(dead.get(0).detail()).endsWith("downstream in dropout");
    }

    @Test
    void deadUnitsAreAFindingOfActivationsOfFloats() throws IOException {
        add("grad/relu", DType.FLOAT32, new long[] {16, 8, 4}, relu(16, 8, 4, 2));
        double[] ids = relu(16, 8, 4, 2);
        for (int i = 0; i < ids.length; i++) ids[i] = Math.ceil(ids[i]);
        add("token_ids", DType.INT64, new long[] {16, 8, 4}, ids);
        assertThat(findings()).isEmpty();
    }

    @Test
    void aLayerOfZerosIsConstantNotDead() throws IOException {
        add("relu", DType.FLOAT32, new long[] {4, 8, 3}, new double[96]);
        assertThat(findings()).extracting(Finding::kind).containsExactly(Finding.Kind.CONSTANT);
    }

    @Test
    void constantActivationsAndGradientsThatNothingReaches() throws IOException {
        add("fc", 0.5, 0.5, 0.5);
        add("varied", 0.5, 0.25);
        add("scalar", 3);
        add("grad/fc", 0.25, 0.25, 0.25);  // a mean over the output gives this: nothing wrong
        add("grad/varied", 0, 0);
        add("mask", DType.INT64, new long[] {3}, 1, 1, 1);
        List<Finding> constant = findings(Finding.Kind.CONSTANT);
        assertThat(constant).extracting(Finding::layer).containsExactly("fc", "grad/varied");
        assertThat(constant.get(1).detail()).contains("no gradient reaches it");
        assertThat(findings()).hasSize(2);
    }

    @Test
    void parametersAndBuffersAsInitialisedAreNotedNotFound() throws IOException {
        add("bn.running_mean", 0, 0, 0, 0);
        add("bn.running_var", 1, 1, 1, 1);
        add("bn.weight", 1, 1, 1, 1);
        add("scale", 0.5, 0.5, 0.5);  // 1-D but not what an initialiser writes: still a finding
        add("relu", DType.FLOAT32, new long[] {2, 3}, new double[6]);  // an activation of zeros: a finding
        Health h = HealthCheck.check("mem", tensors, new CpuBackend());
        assertThat(h.initialised()).containsExactly("bn.running_mean", "bn.running_var", "bn.weight");
        assertThat(h.findings()).extracting(Finding::layer).containsExactly("scale", "relu");
    }

    /** msprobe's naming: a call's gradients arriving at its output, and those it passes to its inputs. */
    @Test
    void theGradientTrendFollowsTheChainOfActivationGradientsOnly() throws IOException {
        for (int k = 0; k < 8; k++) {
            add("grad/Functional.linear." + k + ".backward.0.input.0", DType.FLOAT32, new long[] {2, 2}, 1, -1, 1, -1);
            // Weight gradients shrinking 10x per call toward the input: no link of the chain.
            double w = Math.pow(10, k - 8);
            add("grad/Functional.linear." + k + ".backward.0.output.1", DType.FLOAT32, new long[] {2, 2}, w, w, -w, w);
        }
        List<MeasuredTensor> all = HealthCheck.walks(measured()).get(dev.layerdiff.compare.Group.GRADIENTS);
        assertThat(GradientTrend.check(all)).as("every gradient fitted").isPresent();
        assertThat(GradientTrend.chain(all)).hasSize(8).allMatch(t -> t.name().contains(".input.0"));
        assertThat(findings()).extracting(Finding::kind).doesNotContain(Finding.Kind.VANISHING_GRADIENTS,
                Finding.Kind.EXPLODING_GRADIENTS);
    }

    private List<MeasuredTensor> measured() throws IOException {
        CpuBackend backend = new CpuBackend();
        List<dev.layerdiff.stats.TensorSummary> summaries = backend.summarize(tensors);
        List<MeasuredTensor> out = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            out.add(new MeasuredTensor(tensors.get(i), summaries.get(i)));
        }
        return out;
    }

    @Test
    void nonfiniteOriginIsTheFirstActivationForwardAndTheFirstGradientFromTheOutput() throws IOException {
        add("a", 1, 2);
        add("b", 1, Double.POSITIVE_INFINITY);
        add("c", Double.NaN, 1);
        add("grad/a", Double.NaN, 1);
        add("grad/b", Double.NEGATIVE_INFINITY, 1);
        add("grad/c", 1, 2);
        List<Finding> origins = findings(Finding.Kind.NONFINITE_ORIGIN);
        assertThat(origins).extracting(Finding::layer).containsExactly("b", "grad/b");
        assertThat(origins.get(0).detail()).contains("1 Inf and 0 NaN of 2 values").contains("NaN first appears at c");
        assertThat(origins.get(1).detail()).contains("NaN first appears at grad/a");
    }

    @Test
    void gradientsGrowingOrShrinkingByOrdersOfMagnitude() throws IOException {
        assertThat(trend(0.5)).containsExactly(Finding.Kind.EXPLODING_GRADIENTS);   // 2.5 orders
        assertThat(trend(-0.5)).containsExactly(Finding.Kind.VANISHING_GRADIENTS);
        assertThat(trend(0.3)).isEmpty();                                           // 1.5 orders
        assertThat(trend(-0.3)).isEmpty();
    }

    /** Six layers whose gradient norms change by {@code ordersPerLayer} each, walking toward the input. */
    private List<Finding.Kind> trend(double ordersPerLayer) throws IOException {
        tensors.clear();
        for (int i = 0; i < 6; i++) add("l" + i, 1, 2);
        // Stored in forward order, as a safetensors dump sorts them; the walk places them at their activations.
        for (int i = 0; i < 6; i++) {
            double v = Math.pow(10, (5 - i) * ordersPerLayer);
            add("grad/l" + i, v, -v, v, v);
        }
        List<Finding> found = findings();
        found.forEach(f -> assertThat(f.layer()).isEqualTo("grad/l0"));
        return found.stream().map(Finding::kind).toList();
    }

    @Test
    void twoGradientsAreNoTrend() throws IOException {
        add("grad/a", 1e5);
        add("grad/b", 1);
        assertThat(findings()).isEmpty();
    }

    @Test
    void float16WithinADoublingOfOverflow() throws IOException {
        add("big", DType.FLOAT16, new long[] {3}, 1, -40000, 2);
        add("fine", DType.FLOAT16, new long[] {3}, 1, -30000, 2);
        add("float32", DType.FLOAT32, new long[] {3}, 1, -40000, 2);
        add("overflowed", DType.FLOAT16, new long[] {3}, 1, 40000, Double.POSITIVE_INFINITY);
        List<Finding> edge = findings(Finding.Kind.RANGE_EDGE);
        assertThat(edge).extracting(Finding::layer).containsExactly("big");
        assertThat(edge.get(0).detail()).contains("65504");
        assertThat(findings(Finding.Kind.NONFINITE_ORIGIN).get(0).detail()).contains("overflow");
    }

    @Test
    void float16WithManySubnormals() throws IOException {
        add("many", DType.FLOAT16, new long[] {100}, fill(100, 2, 0x1p-20));
        add("few", DType.FLOAT16, new long[] {200}, fill(200, 1, 0x1p-20));
        add("bf16", DType.BFLOAT16, new long[] {100}, fill(100, 50, 0x1p-130));
        assertThat(findings(Finding.Kind.RANGE_EDGE)).extracting(Finding::layer).containsExactly("many");
    }

    @Test
    void bfloat16AtTheTop() throws IOException {
        add("bf16", DType.BFLOAT16, new long[] {2}, 1, 0x1p127);
        assertThat(findings(Finding.Kind.RANGE_EDGE)).extracting(Finding::layer).containsExactly("bf16");
    }

    @Test
    void findingsComeMostSeriousKindFirst() throws IOException {
        add("c", 0.5, 0.5);
        add("b", 1, Double.NaN);
        assertThat(findings()).extracting(Finding::kind).containsExactly(Finding.Kind.NONFINITE_ORIGIN, Finding.Kind.CONSTANT);
    }

    /** {@code n} values, the first {@code k} of them {@code small}, the rest 1 and -1. */
    private static double[] fill(int n, int k, double small) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i < k ? small : i % 2 == 0 ? 1 : -1;
        return v;
    }

    /** float16 bits of values it holds exactly (normals, subnormals, zero, infinities). */
    private static ByteBuffer half(double[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, 2 * values.length)).order(LE);
        for (int i = 0; i < values.length; i++) {
            double v = values[i], a = Math.abs(v);
            int sign = v < 0 || (v == 0 && 1 / v < 0) ? 0x8000 : 0;
            int bits;
            if (Double.isInfinite(a)) bits = 0x7C00;
            else if (a < 0x1p-14) bits = (int) (a / 0x1p-24);
            else {
                int e = Math.getExponent(a);
                bits = ((e + 15) << 10) | (int) ((a / Math.scalb(1.0, e) - 1) * 1024);
            }
            b.putShort(2 * i, (short) (sign | bits));
        }
        return b.limit(2 * values.length);
    }
}
