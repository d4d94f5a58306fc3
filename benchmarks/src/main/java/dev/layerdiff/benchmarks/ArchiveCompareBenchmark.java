package dev.layerdiff.benchmarks;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.PairingPlan;
import dev.layerdiff.compare.Report;
import dev.layerdiff.diagnosis.Diagnoser;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.diagnosis.SliceSource;
import dev.layerdiff.diagnosis.Verdict;
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
 * both archives (headers, pickle, zip directory), compare every layer, diagnose (the default; the
 * planted layer is read a second time for its slice breakdown), write the JSON report. The
 * {@code diagnosis} variants differ only in that step ({@code --no-diagnosis}).
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

    @Param({"on", "off"})
    public String diagnosis;

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
            CompareOptions options = CompareOptions.defaults();
            CpuBackend backend = new CpuBackend();
            PairingPlan plan = LayerDiff.plan(r, c, options);
            Report report = CpuEngineBenchmark.check(new LayerDiff(backend).run(plan, r, c, options, null));
            Diagnosis d = null;
            if (diagnosis.equals("on")) {
                d = new Diagnoser(null, SliceSource.of(backend, plan, r, c, options)).diagnose(report);
                if (d.groups().get(Group.ACTIVATIONS).verdict() != Verdict.BUG) {
                    throw new IllegalStateException("the diagnosis missed the planted divergence: " + d.groups());
                }
            }
            JsonReport.write(report, d, OutputStream.nullOutputStream());
            return report;
        }
    }
}
