package dev.layerdiff.cuda;

import dev.layerdiff.engine.BackendEquivalenceSuite;
import dev.layerdiff.engine.CompareBackend;
import org.junit.jupiter.api.BeforeAll;

/** The equivalence suite again with the other histogram strategy (one shared-memory atomic per element). */
class CudaAtomicHistogramsTest extends BackendEquivalenceSuite {
    private static CompareBackend backend;

    @BeforeAll
    static void start() {
        CudaBackend shared = CudaTests.backend();
        backend = new CudaBackend(shared.device(), "atomic histograms", CudaNative.HIST_ATOMIC);
    }

    @Override
    protected CompareBackend backend() {
        return backend;
    }
}
