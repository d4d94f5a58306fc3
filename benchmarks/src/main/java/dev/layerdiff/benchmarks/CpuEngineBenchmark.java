package dev.layerdiff.benchmarks;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.Report;
import dev.layerdiff.engine.CpuBackend;
import java.io.IOException;
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
 * The CPU engine over two open safetensors archives (mapped, in the page cache), per dtype; {@code
 * F32-BF16} compares the float32 reference with its bfloat16 port (mixed precision: a few pairs per
 * block change binade, which the native kernel redoes on a slower path). The native,
 * SIMD and scalar variants differ only in the fork's {@code -Dlayerdiff.native} and {@code -Dlayerdiff.simd};
 * each checks that its kernel is the one that ran.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class CpuEngineBenchmark {
    @Param({"F32", "F16", "BF16", "F32-BF16"})
    public String dtype;

    @Param({"false"})
    public boolean images;

    private Archive reference;
    private Archive candidate;
    private LayerDiff diff;
    private CompareOptions options;
    private CpuBackend backend;

    @Setup
    public void setup() throws IOException {
        reference = Archives.open(BenchData.archive("safetensors", referenceDtype(dtype), false));
        candidate = Archives.open(BenchData.archive("safetensors", candidateDtype(dtype), true));
        backend = new CpuBackend();
        diff = new LayerDiff(backend);
        options = CompareOptions.builder().images(images).build();
    }

    @TearDown
    public void close() throws IOException {
        reference.close();
        candidate.close();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
    public Report nativeKernel() throws IOException {
        return check(run("cpu-native"));
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g", "-Dlayerdiff.native=false"})
    public Report simd() throws IOException {
        return check(run("cpu-simd"));
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g", "-Dlayerdiff.native=false",
        "-Dlayerdiff.simd=false"})
    public Report scalar() throws IOException {
        return check(run("cpu-scalar"));
    }

    private Report run(String kernel) throws IOException {
        if (!backend.name().equals(kernel)) {
            throw new IllegalStateException("expected the " + kernel + " backend, got " + backend.name());
        }
        return diff.compare(reference, candidate, options);
    }

    /** The reference's element type for a {@code dtype} parameter. */
    static BenchData.Dtype referenceDtype(String dtype) {
        return dtype.equals("F32-BF16") ? BenchData.Dtype.F32 : BenchData.Dtype.valueOf(dtype);
    }

    /** The candidate's element type for a {@code dtype} parameter. */
    static BenchData.Dtype candidateDtype(String dtype) {
        return dtype.equals("F32-BF16") ? BenchData.Dtype.BF16_PORT : BenchData.Dtype.valueOf(dtype);
    }

    /** Every run must find the planted layer, or the timing means nothing. */
    static Report check(Report r) {
        if (r.passed()) throw new IllegalStateException("the planted divergence was not found");
        return r;
    }
}
