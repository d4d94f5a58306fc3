package dev.layerdiff.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.engine.PairTask;
import dev.layerdiff.engine.TestTensors;
import dev.layerdiff.stats.PairResult;
import dev.layerdiff.tensor.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a CUDA backend holds and gives back: after comparisons with images only its lanes remain (every
 * image was freed), close frees the lanes and a block the caller left open, and every later use is
 * refused with a message. Skipped where there is no GPU.
 */
class CudaLifecycleTest {
    @BeforeAll
    static void gpu() {
        CudaTests.backend().close();
    }

    @Test
    void closeFreesEverythingAndRefusesLaterUse() throws IOException {
        CudaBackend cuda = CudaBackendProvider.create();
        assertThat(cuda.usage()).isEqualTo(CudaUsage.NONE);
        Random rnd = new Random(3);
        int n = StreamLanes.LANE_BYTES / 4 + 77;
        double[] r = TestTensors.activations(rnd, n, 0.01), c = TestTensors.perturbed(rnd, r, 0.01);
        List<PairTask> tasks = List.of(new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, r),
                TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, c), 1e-6, 0, false, true));
        PairResult result = cuda.compare(tasks).get(0);
        assertThat(result.image()).isNotNull();
        assertThat(cuda.usage().deviceBlocks()).as("images are freed once read").isZero();
        assertThat(cuda.usage().lanes()).isEqualTo(2);
        assertThat(cuda.usage().pinnedBytes()).isEqualTo(2L * 2 * StreamLanes.LANE_BYTES);

        DeviceMemory leftOpen = DeviceMemory.allocate(cuda, 4096);
        assertThat(cuda.usage().deviceBlocks()).isEqualTo(1);
        assertThat(cuda.usage().deviceBytes()).isEqualTo(4096);

        cuda.close();
        cuda.close();
        assertThat(cuda.isClosed()).isTrue();
        assertThat(cuda.usage()).isEqualTo(CudaUsage.NONE);
        assertThat(leftOpen.isClosed()).isTrue();
        assertThatThrownBy(() -> leftOpen.upload(0, ByteBuffer.allocateDirect(8)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> cuda.compare(tasks)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the CUDA backend on device 0 is closed");
        assertThatThrownBy(() -> DeviceMemory.allocate(cuda, 8)).isInstanceOf(IllegalStateException.class);
        try (CudaBackend again = CudaBackendProvider.create()) {
            assertThat(again.isClosed()).as("a new backend after one was closed").isFalse();
        }
    }
}
