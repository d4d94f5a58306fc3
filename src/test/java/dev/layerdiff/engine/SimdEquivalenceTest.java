package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        assumeTrue(CpuKernels.vectorModulePresent(),
                "jdk.incubator.vector is not in the boot layer; run with --add-modules jdk.incubator.vector");
        assumeTrue(!"false".equals(System.getProperty(CpuKernels.PROPERTY)), "SIMD disabled by -Dlayerdiff.simd=false");
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
