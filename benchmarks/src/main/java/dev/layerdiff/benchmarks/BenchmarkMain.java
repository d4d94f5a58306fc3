package dev.layerdiff.benchmarks;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.engine.CpuBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks (all, or those matching the regexes given) and prints each one's GB/s of input
 * (both archives' tensor bytes) and its ratio to {@link FusedReadBenchmark} of the same run.
 * {@code --memory} instead compares the F32 archives once and prints the peak anonymous memory (heap,
 * native buffers, everything but the mapped files).
 */
public final class BenchmarkMain {
    private BenchmarkMain() {}

    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        if (args.length > 0 && args[0].equals("--memory")) {
            memory();
            return;
        }
        ChainedOptionsBuilder options = new OptionsBuilder().jvmArgsPrepend(
                "-Dlayerdiff.bench.dir=" + BenchData.dir(), "-Dlayerdiff.bench.gib=" + BenchData.bytesPerArchive() / (double) (1L << 30));
        if (args.length == 0) options.include(".*Benchmark.*");
        // NAME=VALUE pins a @Param (e.g. format=safetensors dtype=F32); anything else is a regex of benchmarks.
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) options.param(a.substring(0, eq), a.substring(eq + 1));
            else options.include(a);
        }
        options.include(FusedReadBenchmark.class.getSimpleName());
        Collection<RunResult> results = new Runner(options.build()).run();

        double baseline = Double.NaN;
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().contains("FusedRead")) baseline = gbPerSecond(r);
        }
        System.out.println();
        System.out.printf("%-52s %10s %9s %9s%n", "benchmark", "ms/op", "GB/s", "x fused");
        for (RunResult r : results) {
            double gbs = gbPerSecond(r);
            System.out.printf(Locale.ROOT, "%-52s %10.1f %9.2f %9.2f%n", label(r), r.getPrimaryResult().getScore(), gbs, gbs / baseline);
        }
    }

    private static String label(RunResult r) {
        String name = r.getParams().getBenchmark().replace("dev.layerdiff.benchmarks.", "");
        StringBuilder b = new StringBuilder(name);
        for (String k : r.getParams().getParamsKeys()) b.append(' ').append(k).append('=').append(r.getParams().getParam(k));
        return b.toString();
    }

    /** GB/s of input: both archives' tensor bytes per operation (the second reads: the bytes each reads). */
    private static double gbPerSecond(RunResult r) {
        String benchmark = r.getParams().getBenchmark();
        if (benchmark.endsWith("SecondReadBenchmark.sliceBreakdown")) return perSecond(r, 2 * SecondReadBenchmark.LAYER_BYTES);
        if (benchmark.endsWith("SecondReadBenchmark.deadUnitScan")) return perSecond(r, SecondReadBenchmark.DEAD_UNIT_SCAN_BYTES);
        String dtype = r.getParams().getParam("dtype");
        if (dtype == null) dtype = "F32";
        long bytes = BenchData.dataBytes(CpuEngineBenchmark.referenceDtype(dtype))
                + BenchData.dataBytes(CpuEngineBenchmark.candidateDtype(dtype));
        return perSecond(r, bytes);
    }

    private static double perSecond(RunResult r, long bytes) {
        return bytes / (r.getPrimaryResult().getScore() / 1e3) / 1e9;
    }

    private static void memory() throws IOException, InterruptedException {
        Path ref = BenchData.archive("safetensors", BenchData.Dtype.F32, false);
        Path cand = BenchData.archive("safetensors", BenchData.Dtype.F32, true);
        AtomicLong peak = new AtomicLong(rssAnonKb());
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(rssAnonKb(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long before = rssAnonKb();
        sampler.start();
        long t0 = System.nanoTime();
        try (Archive r = Archives.open(ref); Archive c = Archives.open(cand)) {
            CpuEngineBenchmark.check(new LayerDiff(new CpuBackend()).compare(r, c, CompareOptions.defaults()));
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();
        System.out.printf(Locale.ROOT, "compared 2 x %.2f GiB in %.2f s (%.2f GB/s, cold JIT); anonymous memory: %d MiB before, peak %d MiB%n",
                BenchData.dataBytes(BenchData.Dtype.F32) / (double) (1L << 30), sec, 2 * BenchData.dataBytes(BenchData.Dtype.F32) / sec / 1e9,
                before >> 10, peak.get() >> 10);
    }

    /** RssAnon from /proc/self/status: resident memory that is not a file mapping. */
    private static long rssAnonKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("RssAnon:")) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
