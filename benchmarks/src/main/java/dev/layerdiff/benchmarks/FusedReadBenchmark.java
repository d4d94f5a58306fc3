package dev.layerdiff.benchmarks;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's limit, measured in the same run as the engine: read both archives' bytes once, on all
 * cores, doing the least work that keeps the reads alive (a sum of longs). Every other benchmark's
 * throughput is reported as a ratio to this one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class FusedReadBenchmark {
    @Param({"F32"})
    public String dtype;

    private final List<MappedByteBuffer> chunks = new ArrayList<>();
    private final List<FileChannel> channels = new ArrayList<>();

    @Setup
    public void setup() throws IOException {
        for (boolean cand : new boolean[] {false, true}) {
            Path p = BenchData.archive("safetensors", BenchData.Dtype.valueOf(dtype), cand);
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
            channels.add(ch);
            long size = ch.size();
            for (long pos = 0; pos < size; pos += 64L << 20) {
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, pos, Math.min(64L << 20, size - pos));
                m.order(ByteOrder.LITTLE_ENDIAN);
                chunks.add(m);
            }
        }
    }

    @TearDown
    public void close() throws IOException {
        for (FileChannel ch : channels) ch.close();
    }

    @Benchmark
    public long readBoth() {
        return ForkJoinPool.commonPool().submit(() -> chunks.parallelStream().mapToLong(FusedReadBenchmark::sum).sum()).join();
    }

    private static long sum(MappedByteBuffer m) {
        long s = 0;
        int n = m.limit() & ~7;
        for (int i = 0; i < n; i += 8) s += m.getLong(i);
        return s;
    }
}
