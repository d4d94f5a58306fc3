package dev.layerdiff.benchmarks;

import dev.layerdiff.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * {@code layerdiff compare REF CAND --json FILE}, end to end, in process, from files in the page cache:
 * open both archives (headers, pickle, zip directory), compare every layer, diagnose and check both
 * sides' health (the default: the planted layer is read a second time for its slice breakdown, and
 * layers that may hold dead units within a budget), write the JSON report. The {@code diagnosis}
 * variants differ only in {@code --no-diagnosis}.
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
    public int compare() throws IOException {
        // The command line itself, in process: open, compare, diagnose (unless off), health of both
        // sides, the JSON report. Exit 1: the planted divergence was found.
        Path json = Files.createTempFile("layerdiff-bench", ".json");
        try {
            List<String> args = new ArrayList<>(List.of("compare", reference.toString(), candidate.toString(),
                    "--device", "cpu", "--json", json.toString(), "--quiet"));
            if (diagnosis.equals("off")) args.add("--no-diagnosis");
            StringWriter out = new StringWriter();
            int exit = Main.execute(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(new StringWriter()));
            String verdict = out.toString();
            boolean found = diagnosis.equals("on") ? verdict.startsWith("DIVERGED (bug)") : verdict.startsWith("DIVERGED");
            if (exit != 1 || !found) throw new IllegalStateException("the planted divergence was missed: " + verdict);
            return exit;
        } finally {
            Files.deleteIfExists(json);
        }
    }
}
