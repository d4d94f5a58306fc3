package dev.layerdiff.engine;

import dev.layerdiff.stats.PairResult;

import static dev.layerdiff.engine.KernelExpectations.disabledBy;
import static dev.layerdiff.engine.KernelExpectations.expectKernelUnless;
import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.engine.KernelExpectations.Excuse;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native AVX2 kernel against the scalar reference. Where it is built (linux-x86_64 without
 * -Djavacpp.skip=true, a CPU with AVX2) it must load: its absence is a failure, not a skip.
 */
class NativeEquivalenceTest extends BackendEquivalenceSuite {
    private static CompareBackend backend;

    @BeforeAll
    static void load() {
        expectKernelUnless(disabledBy(CpuKernels.NATIVE_PROPERTY),
                new Excuse(!Loader.getPlatform().equals("linux-x86_64"), "no native CPU kernel is built for " + Loader.getPlatform()),
                new Excuse(Boolean.getBoolean("javacpp.skip"), "the build skipped the native kernel (-Djavacpp.skip=true)"));
        assertThat(CpuKernels.nativeUnavailabilityCause()).isNull();
        backend = new CpuBackend(CpuKernels.lookup(), 2, CHUNK);
    }

    @Override
    protected CompareBackend backend() {
        return backend;
    }

    @Test
    void nativeIsTheChosenKernel() {
        assertThat(backend.name()).isEqualTo("cpu-native");
        assertThat(new CpuBackend().name()).isEqualTo("cpu-native");
    }

    /**
     * Calls of a million pairs and more, as the default chunking makes: the kernel counts pairs whose
     * two bins agree once, in a joint table, only in calls this long.
     */
    @Test
    void largeCalls() throws IOException {
        CompareBackend big = new CpuBackend(CpuKernels.lookup(), 2, 1 << 20);
        CompareBackend reference = new CpuBackend(CpuKernels.scalar(), 1, 1 << 20);
        Random rnd = new Random(31);
        List<PairTask> tasks = new ArrayList<>();
        int n = 3_000_017;
        double[] r = TestTensors.rounded(DType.FLOAT32, TestTensors.activations(rnd, n, 0));
        double[] ulp = r.clone(), noisy = r.clone();
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(16) == 0) ulp[i] = Math.nextUp((float) r[i]);
            noisy[i] = r[i] + rnd.nextGaussian() * 1e-6;
        }
        noisy[2_500_000] = Double.NaN; // one block on the scalar path, in the middle of a call
        TensorEntry re = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, new long[] {n}, r);
        tasks.add(new PairTask(re, TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, new long[] {n}, ulp),
                1.3e-6, 1e-5, false, false));
        tasks.add(new PairTask(re, TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, new long[] {n}, noisy),
                1.3e-6, 1e-5, false, true));
        tasks.add(new PairTask(finiteTensor(rnd, DType.BFLOAT16, n), finiteTensor(rnd, DType.FLOAT16, n),
                1e-2, 1e-3, false, false));
        // a float32 run against its bfloat16 port: a few pairs per block cross a power of two
        tasks.add(new PairTask(re, TestTensors.tensor(DType.BFLOAT16, ByteOrder.LITTLE_ENDIAN, new long[] {n},
                TestTensors.rounded(DType.BFLOAT16, r)), 1.6e-2, 1e-5, false, true));
        double[][] edges = sameBinade(rnd, n);
        tasks.add(new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, new long[] {n}, edges[0]),
                TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, new long[] {n}, edges[1]), 1.3e-6, 1e-5, false, true));
        List<PairResult> expected = reference.compare(tasks), actual = big.compare(tasks);
        for (int i = 0; i < tasks.size(); i++) {
            PairResult e = expected.get(i), a = actual.get(i);
            assertMetricsEquivalent("pair " + i, e.metrics(), a.metrics());
            assertStatsEquivalent("pair " + i + " ref", e.referenceStats(), a.referenceStats());
            assertStatsEquivalent("pair " + i + " cand", e.candidateStats(), a.candidateStats());
            assertThat(a.referenceHistogram()).isEqualTo(e.referenceHistogram());
            assertThat(a.candidateHistogram()).isEqualTo(e.candidateHistogram());
            assertThat(a.diffHistogram()).isEqualTo(e.diffHistogram());
            if (e.image() != null) assertThat(a.image().blockMax()).isEqualTo(e.image().blockMax());
        }
        assertThat(actual.get(0).metrics().mismatched()).isZero();
        assertThat(actual.get(1).metrics().mismatched()).isPositive();
    }

    /** Buffers that start past position 0 are read from their position, as the Java kernels read them. */
    @Test
    void buffersReadFromTheirPosition() {
        ByteBuffer r = ByteBuffer.allocateDirect(4 * 100).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer c = ByteBuffer.allocateDirect(4 * 100).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 100; i++) {
            r.putFloat(4 * i, i);
            c.putFloat(4 * i, i == 10 ? 1000 : i);
        }
        r.position(40);
        c.position(40);
        PairPartial p = new PairPartial(0, 0, false, null);
        CpuKernels.lookup().compare(r.slice().order(ByteOrder.LITTLE_ENDIAN), DType.FLOAT32,
                c.slice().order(ByteOrder.LITTLE_ENDIAN), DType.FLOAT32, 90, 10, p);
        PairPartial q = new PairPartial(0, 0, false, null);
        CpuKernels.lookup().compare(r, DType.FLOAT32, c, DType.FLOAT32, 90, 10, q);
        for (PairPartial x : List.of(p, q)) {
            assertThat(x.maxAbsIndex).isEqualTo(10);
            assertThat(x.maxAbs).isEqualTo(990);
            assertThat(x.ref.min).isEqualTo(10);
        }
    }
}
