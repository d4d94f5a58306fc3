package dev.layerdiff.benchmarks;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.stats.GrossTest;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.stats.ZeroIndices;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The diagnosis' second reads of one 64 MiB float32 layer per side ({@code layers.24.conv} of the
 * 3 GiB safetensors pair, 16 x 64 x 128 x 128, the layer the benchmark data plants its bug in), from
 * the page cache, on the CPU backend: the slice breakdown along batch and channel of the flagged pair,
 * and the dead-unit scan of one side (live channels: one block each, then it stops).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class SecondReadBenchmark {
    /** Bytes of the layer on one side. */
    static final long LAYER_BYTES = BenchData.LAYER_NUMEL * 4;
    /** Bytes the dead-unit scan reads of it: one block of 1024 values for each of the 64 live channels. */
    static final long DEAD_UNIT_SCAN_BYTES = 64L * 1024 * 4;

    private Archive reference, candidate;
    private PairTask task;
    private CpuBackend backend;

    @Setup
    public void setup() throws IOException {
        reference = Archives.open(BenchData.archive("safetensors", BenchData.Dtype.F32, false));
        candidate = Archives.open(BenchData.archive("safetensors", BenchData.Dtype.F32, true));
        task = new PairTask(layer(reference), layer(candidate), 1e-5, 1e-8, false, false);
        backend = new CpuBackend();
    }

    private static TensorEntry layer(Archive a) {
        return a.tensors().stream().filter(t -> t.name().equals("layers.24.conv")).findFirst().orElseThrow();
    }

    @TearDown
    public void close() throws IOException {
        backend.close();
        reference.close();
        candidate.close();
    }

    @Benchmark
    public SliceStats[] sliceBreakdown() throws IOException {
        return backend.slices(task, new GrossTest(0x1p-8 * 8, 1.0, Double.POSITIVE_INFINITY));
    }

    @Benchmark
    public ZeroIndices deadUnitScan() throws IOException {
        ZeroIndices z = backend.zeroIndices(task.reference(), 1, Long.MAX_VALUE);
        if (z.bytesRead() != DEAD_UNIT_SCAN_BYTES) throw new IllegalStateException("read " + z.bytesRead() + " bytes");
        return z;
    }
}
