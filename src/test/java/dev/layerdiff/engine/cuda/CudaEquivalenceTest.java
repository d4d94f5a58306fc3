package dev.layerdiff.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.engine.BackendEquivalenceSuite;
import dev.layerdiff.engine.Backends;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.Device;
import dev.layerdiff.stats.PairResult;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.engine.TestTensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared equivalence suite on the CUDA backend (default histogram strategy): counts, histograms,
 * min, max, max_abs and its index, max_rel and image bytes equal the scalar CPU reference exactly; sums
 * within the named tolerance. Skipped where there is no GPU; on a GPU machine CUDA must be found.
 */
class CudaEquivalenceTest extends BackendEquivalenceSuite {
    private static CompareBackend backend;

    @BeforeAll
    static void start() {
        backend = CudaTests.backend();
    }

    @AfterAll
    static void stop() {
        if (backend != null) backend.close();
    }

    @Override
    protected CompareBackend backend() {
        return backend;
    }

    /**
     * Pairs longer than a lane (several chunks in flight on different streams), with images, in float32,
     * float16 against float32 (chunked by the wider side) and bfloat16 with NaNs and infinities.
     */
    @Test
    void pairsOfSeveralChunks() throws IOException {
        Random rnd = new Random(41);
        List<PairTask> tasks = new ArrayList<>();
        int n = 3 * (StreamLanes.LANE_BYTES / 4) + 12345;
        double[] r = TestTensors.activations(rnd, n, 1e-6);
        double[] c = TestTensors.perturbed(rnd, r, 1e-6);
        long[] shape = {n / 5, 5};
        tasks.add(new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, r),
                TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, c), 1e-4, 1e-6, false, true));
        tasks.add(new PairTask(TestTensors.entry("h", DType.FLOAT16, shape, ByteOrder.LITTLE_ENDIAN,
                TestTensors.of(TestTensors.randomBytes(rnd, 2 * n, ByteOrder.LITTLE_ENDIAN))),
                TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, c), 1e-3, 1e-5, true, true));
        tasks.add(new PairTask(TestTensors.tensor(DType.BFLOAT16, ByteOrder.LITTLE_ENDIAN, shape, r),
                TestTensors.tensor(DType.BFLOAT16, ByteOrder.BIG_ENDIAN, shape, c), 1e-2, 1e-5, false, false));
        assertSame(tasks);
    }

    /** A streamed (deflated) tensor against itself: one stream, read once per chunk, staged to both sides. */
    @Test
    void sequentialTensorAgainstItself() throws IOException {
        Random rnd = new Random(43);
        int n = StreamLanes.LANE_BYTES / 4 + 999;
        double[] v = TestTensors.activations(rnd, n, 0.01);
        TensorEntry seq = TestTensors.entry("s", DType.FLOAT32, new long[] {n}, ByteOrder.LITTLE_ENDIAN,
                TestTensors.sequential(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, v).data()));
        List<PairTask> task = List.of(new PairTask(seq, seq, 0, 0, false, true));
        PairResult r = backend.compare(task).get(0);
        // NaN against NaN is off without --equal-nan; everything else equals itself.
        assertThat(r.metrics().mismatched()).isEqualTo(r.referenceStats().nan()).isPositive();
        assertThat(r.metrics().finitePairs()).isEqualTo(r.referenceStats().finite());
        assertThat(r.referenceHistogram()).isEqualTo(r.candidateHistogram());
        assertThat(r.referenceHistogram().total()).isEqualTo(n);
        assertSameResults(task, reference.compare(task), List.of(r));
    }

    /** Tensors already on the GPU, by address: no copies, the same results as the CPU on the same bytes. */
    @Test
    void deviceResidentTensors() throws IOException {
        CudaBackend cuda = (CudaBackend) backend;
        Random rnd = new Random(42);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16, DType.FLOAT64, DType.INT32}) {
            int n = 1_000_003;
            long[] shape = {n};
            double[] r = TestTensors.activations(rnd, n, 0.01);
            double[] c = TestTensors.perturbed(rnd, r, 0.01);
            TensorEntry re = t == DType.FLOAT16 ? raw(rnd, t, n) : TestTensors.tensor(t, ByteOrder.LITTLE_ENDIAN, shape, r);
            TensorEntry ce = t == DType.FLOAT16 ? raw(rnd, t, n) : TestTensors.tensor(t, ByteOrder.LITTLE_ENDIAN, shape, c);
            long bytes = re.byteSize();
            try (DeviceMemory dr = DeviceMemory.allocate(cuda, bytes); DeviceMemory dc = DeviceMemory.allocate(cuda, bytes)) {
                dr.upload(0, direct(re));
                dc.upload(0, direct(ce));
                PairResult got = cuda.compareResident(new DeviceTensor(dr.address(), t, shape),
                        new DeviceTensor(dc.address(), t, shape), 1e-3, 1e-5, false, true);
                List<PairTask> task = List.of(new PairTask(re, ce, 1e-3, 1e-5, false, true));
                assertSameResults(task, reference.compare(task), List.of(got));
            }
        }
    }

    /** Random bit patterns: every value a type can hold, NaN and infinities included. */
    private static TensorEntry raw(Random rnd, DType t, int n) {
        return TestTensors.entry("raw", t, new long[] {n}, ByteOrder.LITTLE_ENDIAN,
                TestTensors.of(TestTensors.randomBytes(rnd, n * t.byteSize(), ByteOrder.LITTLE_ENDIAN)));
    }

    private static ByteBuffer direct(TensorEntry e) throws IOException {
        ByteBuffer src = e.data().read(0, (int) e.byteSize());
        ByteBuffer d = ByteBuffer.allocateDirect(src.remaining());
        d.put(src).flip();
        return d;
    }

    @Test
    void autoChoosesCuda() {
        try (CompareBackend auto = Backends.select(Device.AUTO)) {
            assertThat(auto.name()).isEqualTo("cuda");
        }
        assertThat(Backends.cudaUnavailabilityCause()).isNull();
    }
}
