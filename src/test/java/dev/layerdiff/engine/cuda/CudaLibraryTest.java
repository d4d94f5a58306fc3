package dev.layerdiff.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.layerdiff.engine.NativeLibraries;
import dev.layerdiff.engine.NativeResults;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * The CUDA library of this build loads on any linux-x86_64 machine, GPU or not (the runtime is linked
 * statically), and answers the probe without crashing: a device count, or the error saying why none.
 */
class CudaLibraryTest {
    @Test
    void loadsAndProbesEverywhere() {
        String platform = NativeLibraries.PLATFORM;
        assumeTrue(Loader.getPlatform().equals(platform), "CUDA kernels are built for " + platform + " only");
        assumeTrue(CudaNative.class.getResource(platform + "/" + System.mapLibraryName("jniCudaNative")) != null,
                "this build has no CUDA kernels (no nvcc, or -Dcuda.skip=true)");
        CudaNative.load();
        assertThat(CudaNative.ld_cuda_pair_size()).isEqualTo(NativeResults.PAIR_BYTES);
        assertThat(CudaNative.ld_cuda_runtime_version()).isGreaterThanOrEqualTo(12000);
        int count = CudaNative.ld_cuda_device_count();
        if (count < 0) {
            assertThat(CudaErrors.errorString(-count)).startsWith("cuda");
            assertThat(CudaTests.gpuMachine()).as("a machine with an NVIDIA driver must find a device").isFalse();
        }
        assertThat(CudaBackendProvider.describe()).anyMatch(l -> l.startsWith("runtime:  CUDA"));
    }
}
