package dev.layerdiff.engine;

/** The multi-threaded scalar backend against the single-threaded one: chunking must not change results. */
class ScalarEquivalenceTest extends BackendEquivalenceSuite {
    private final CompareBackend backend = new CpuBackend(CpuKernels.scalar(), 3, CHUNK);

    @Override
    protected CompareBackend backend() {
        return backend;
    }
}
