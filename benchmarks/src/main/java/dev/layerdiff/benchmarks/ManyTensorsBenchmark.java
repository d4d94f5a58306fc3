package dev.layerdiff.benchmarks;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.Report;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.pipeline.Comparison;
import dev.layerdiff.report.JsonReport;
import dev.layerdiff.report.TerminalTable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The cost per tensor of a dump of many small tensors, phase by phase: {@code compare} in process on two
 * safetensors archives of N float32 tensors of 4 elements each (one element in 97 off by 0.5), as the
 * command line runs it: open both archives (header parse), plan (pairing), the pass, the diagnosis (with
 * both sides' health), the terminal table and the JSON report (to a null stream). A plain program rather
 * than JMH: one repetition takes seconds, and the phases are what it reports (median of the repetitions,
 * microseconds per tensor pair), beside the heap live after the report (after a full GC).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xmx1g -cp target/benchmarks.jar \
 *     dev.layerdiff.benchmarks.ManyTensorsBenchmark 100000 5
 * </pre>
 */
public final class ManyTensorsBenchmark {
    private static final int ELEMENTS = 4;

    private ManyTensorsBenchmark() {}

    public static void main(String[] args) throws IOException {
        int tensors = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = BenchData.dir().resolve("many");
        Files.createDirectories(dir);
        Path reference = dir.resolve("ref" + tensors + ".safetensors"), candidate = dir.resolve("cand" + tensors + ".safetensors");
        if (!Files.exists(candidate)) {
            write(reference, tensors, false);
            write(candidate, tensors, true);
        }
        Map<String, List<Long>> phases = new LinkedHashMap<>();
        long live = 0;
        for (int rep = 0; rep < repetitions; rep++) live = once(reference, candidate, phases);
        System.out.printf(Locale.ROOT, "%d tensor pairs, medians of %d repetitions in one JVM (the first, before the JIT has compiled much, included)%n",
                tensors, repetitions);
        long total = 0;
        for (Map.Entry<String, List<Long>> phase : phases.entrySet()) {
            long[] ns = phase.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            long median = ns[ns.length / 2];
            total += median;
            System.out.printf(Locale.ROOT, "  %-10s %8.1f ms  %6.2f us/pair   (min %.1f ms)%n", phase.getKey(), median / 1e6,
                    median / 1e3 / tensors, ns[0] / 1e6);
        }
        System.out.printf(Locale.ROOT, "  %-10s %8.1f ms  %6.2f us/pair%n", "total", total / 1e6, total / 1e3 / tensors);
        System.out.printf(Locale.ROOT, "  heap live while the report is held: %.1f MiB, %d bytes/pair%n", live / 1048576.0, live / tensors);
    }

    private static long once(Path reference, Path candidate, Map<String, List<Long>> phases) throws IOException {
        CompareOptions options = CompareOptions.builder().build();
        try (CpuBackend cpu = new CpuBackend()) {
            long t0 = System.nanoTime();
            Archive ref = Archives.open(reference), cand = Archives.open(candidate);
            long t1 = System.nanoTime();
            try (Comparison c = Comparison.of(ref, cand, options, cpu)) {
                long t2 = System.nanoTime();
                Report report = c.run(null, null);
                long t3 = System.nanoTime();
                Diagnosis diagnosis = c.diagnose();
                long t4 = System.nanoTime();
                StringWriter table = new StringWriter();
                TerminalTable.print(report, diagnosis, new PrintWriter(table), false, false);
                long t5 = System.nanoTime();
                JsonReport.write(report, diagnosis, OutputStream.nullOutputStream());
                long t6 = System.nanoTime();
                add(phases, "open", t1 - t0);
                add(phases, "plan", t2 - t1);
                add(phases, "pass", t3 - t2);
                add(phases, "diagnosis", t4 - t3);
                add(phases, "table", t5 - t4);
                add(phases, "json", t6 - t5);
                System.gc();
                Runtime rt = Runtime.getRuntime();
                long live = rt.totalMemory() - rt.freeMemory();
                if (report.layers().isEmpty() || table.getBuffer().length() == 0) throw new IllegalStateException("nothing compared");
                return live;
            } finally {
                ref.close();
                cand.close();
            }
        }
    }

    private static void add(Map<String, List<Long>> phases, String phase, long ns) {
        phases.computeIfAbsent(phase, k -> new ArrayList<>()).add(ns);
    }

    /** N float32 tensors of {@value #ELEMENTS} normal values, named like a model's layers; the candidate's element 97k off by 0.5. */
    static void write(Path file, int tensors, boolean candidate) throws IOException {
        StringBuilder header = new StringBuilder("{");
        for (int i = 0; i < tensors; i++) {
            if (i > 0) header.append(',');
            long at = (long) i * ELEMENTS * 4;
            header.append("\"model.layers.").append(i / 8).append(".op").append(i % 8)
                    .append("\":{\"dtype\":\"F32\",\"shape\":[").append(ELEMENTS).append("],\"data_offsets\":[")
                    .append(at).append(',').append(at + ELEMENTS * 4).append("]}");
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) header.append(' ');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer data = ByteBuffer.allocate(tensors * ELEMENTS * 4).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom random = new SplittableRandom(7);
        for (long e = 0; e < (long) tensors * ELEMENTS; e++) {
            float v = (float) random.nextGaussian();
            data.putFloat(candidate && e % 97 == 0 ? v + 0.5f : v);
        }
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, json.length);
            for (ByteBuffer b : Arrays.asList(length, ByteBuffer.wrap(json), data.flip())) while (b.hasRemaining()) out.write(b);
        }
        Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
