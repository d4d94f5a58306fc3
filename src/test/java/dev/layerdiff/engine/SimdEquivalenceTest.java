package dev.layerdiff.engine;

import static dev.layerdiff.engine.KernelExpectations.disabledBy;
import static dev.layerdiff.engine.KernelExpectations.expectKernelUnless;
import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.engine.KernelExpectations.Excuse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernel against the scalar reference. Skipped where the vector module is absent (an IDE run
 * without {@code --add-modules}); the Maven build adds it, and there SIMD failing to load is an error,
 * not a skip (as in Elasticsearch's VectorScorerFactoryTests).
 */
class SimdEquivalenceTest extends BackendEquivalenceSuite {
    private static CompareBackend backend;

    @BeforeAll
    static void load() {
        expectKernelUnless(new Excuse(!CpuKernels.vectorModulePresent(),
                        "jdk.incubator.vector is not in the boot layer; run with --add-modules jdk.incubator.vector"),
                disabledBy(CpuKernels.SIMD_PROPERTY));
        backend = new CpuBackend(CpuKernels.java(), 2, CHUNK);
    }

    @Override
    protected CompareBackend backend() {
        return backend;
    }

    @Test
    void simdIsTheChosenKernel() {
        assertThat(CpuKernels.simdUnavailabilityCause()).isNull();
        assertThat(backend.name()).isEqualTo("cpu-simd");
    }
}
