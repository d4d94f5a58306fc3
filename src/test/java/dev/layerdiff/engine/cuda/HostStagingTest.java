package dev.layerdiff.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.engine.TestTensors;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Host staging without a GPU (plain direct buffers stand in for the pinned ones): chunks larger than a
 * copy piece arrive intact through the copy threads, and after close the threads are gone and staging
 * is refused.
 */
class HostStagingTest {
    @Test
    void stagesChunksThroughTheCopyThreadsThenStops() throws IOException, InterruptedException {
        Random rnd = new Random(5);
        int n = (5 << 20) + 3;
        double[] v = TestTensors.activations(rnd, n, 0.01);
        TensorEntry ref = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, v);
        TensorEntry cand = TestTensors.tensor(DType.BFLOAT16, ByteOrder.LITTLE_ENDIAN, v);
        ByteBuffer r = ByteBuffer.allocateDirect(4 * n), c = ByteBuffer.allocateDirect(2 * n);
        HostStaging staging = new HostStaging();
        long first = 17;
        int len = n - 17;
        staging.stage(ref, first, 4 * len, r, cand, 2 * len, c);
        assertThat(staging.started()).isTrue();
        assertThat(r.slice(0, 4 * len)).isEqualTo(ref.data().read(4 * first, 4 * len));
        assertThat(c.slice(0, 2 * len)).isEqualTo(cand.data().read(2 * first, 2 * len));

        staging.close();
        staging.close();
        assertThat(staging.awaitStopped(10_000)).as("copy threads end after close").isTrue();
        assertThatThrownBy(() -> staging.stage(ref, 0, 4 * len, r, null, 0, null))
                .isInstanceOf(IllegalStateException.class).hasMessage("the CUDA backend's host staging is closed");
    }
}
