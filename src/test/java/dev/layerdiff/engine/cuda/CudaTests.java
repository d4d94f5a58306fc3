package dev.layerdiff.engine.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where the CUDA tests run: on a machine with an NVIDIA driver (or with LAYERDIFF_REQUIRE_CUDA=1) the
 * backend must come up, and its absence is a failure; elsewhere (CI has no GPU) they are skipped with
 * the reason.
 */
final class CudaTests {
    private CudaTests() {}

    static boolean gpuMachine() {
        return CudaBackendProvider.driverPresent() || "1".equals(System.getenv("LAYERDIFF_REQUIRE_CUDA"));
    }

    /**
     * A new backend, which the caller closes; skips the calling test class where there is no GPU, throws
     * where it fails to start.
     */
    static CudaBackend backend() {
        assumeTrue(gpuMachine(), "no NVIDIA driver here (no /dev/nvidiactl): the CUDA half runs on a GPU machine");
        return CudaBackendProvider.create();
    }
}
