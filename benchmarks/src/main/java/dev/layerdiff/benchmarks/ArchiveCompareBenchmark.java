package dev.layerdiff.benchmarks;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.Report;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.report.JsonReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code layerdiff compare REF CAND --json} does, end to end, from files in the page cache: open
 * both archives (headers, pickle, zip directory), compare every layer, write the JSON report.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class ArchiveCompareBenchmark {
    @Param({"safetensors", "npz", "pt"})
    public String format;

    private Path reference;
    private Path candidate;

    @Setup
    public void setup() throws IOException {
        reference = BenchData.archive(format, BenchData.Dtype.F32, false);
        candidate = BenchData.archive(format, BenchData.Dtype.F32, true);
    }

    @Benchmark
    public Report compare() throws IOException {
        try (Archive r = Archives.open(reference); Archive c = Archives.open(candidate)) {
            Report report = CpuEngineBenchmark.check(new LayerDiff(new CpuBackend()).compare(r, c, CompareOptions.defaults()));
            JsonReport.write(report, OutputStream.nullOutputStream());
            return report;
        }
    }
}
