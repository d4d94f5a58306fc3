package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.stats.PairResult;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Chunks compared one at a time (as a Spark job compares them, on other machines) and merged in chunk
 * order give the backend's own result bit for bit, sums included, after a trip through serialization.
 */
class ChunkSeamTest {
    private static final int CHUNK = 1000;

    @Test
    void chunksComparedApartAndMergedInOrderEqualTheBackendsPass() throws Exception {
        Random rnd = new Random(7);
        double[] ref = TestTensors.activations(rnd, 4 * CHUNK + 123, 0.01);
        double[] cand = TestTensors.perturbed(rnd, ref, 0.01);
        TensorEntry r = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, ref);
        TensorEntry c = TestTensors.tensor(DType.BFLOAT16, ByteOrder.LITTLE_ENDIAN, cand);
        PairTask task = new PairTask(r, c, 1e-3, 1e-5, false, false);
        CpuBackend backend = new CpuBackend(CpuKernels.lookup(), 2, CHUNK);

        PairResult whole = backend.compare(List.of(task)).get(0);
        PairPartial merged = new PairPartial(task.rtol(), task.atol(), task.equalNan(), null);
        for (int k = 0; k < 5; k++) merged.merge(roundTrip(backend.compareChunk(task, k)));
        PairResult apart = merged.toResult(null);

        assertThat(apart.metrics()).isEqualTo(whole.metrics());
        assertThat(apart.referenceStats()).isEqualTo(whole.referenceStats());
        assertThat(apart.candidateStats()).isEqualTo(whole.candidateStats());
        assertThat(apart.referenceHistogram()).isEqualTo(whole.referenceHistogram());
        assertThat(apart.candidateHistogram()).isEqualTo(whole.candidateHistogram());
        assertThat(apart.diffHistogram()).isEqualTo(whole.diffHistogram());
        assertThat(roundTrip(apart)).isEqualTo(apart);
    }

    @Test
    void aChunkPastTheEndOrOfAStreamedTensorIsRefused() {
        double[] values = new double[2 * CHUNK];
        TensorEntry r = TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, values);
        CpuBackend backend = new CpuBackend(CpuKernels.lookup(), 1, CHUNK);
        assertThatThrownBy(() -> backend.compareChunk(new PairTask(r, r, 0, 0, false, false), 2))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("chunk 2");
        TensorEntry streamed = TestTensors.entry("s", DType.FLOAT32, r.shape(), r.byteOrder(), TestTensors.sequential(r.data()));
        assertThatThrownBy(() -> backend.compareChunk(new PairTask(streamed, streamed, 0, 0, false, false), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streamed");
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
