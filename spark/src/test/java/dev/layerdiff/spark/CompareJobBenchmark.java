package dev.layerdiff.spark;

import dev.layerdiff.cli.Main;
import java.io.IOException;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;

/**
 * The job in local mode against {@code layerdiff compare} on the same pairs (run by {@code spark/benchmark};
 * results in benchmarks/README.md). A plain main: each variant is seconds of wall clock over every pair,
 * best of {@code --runs}, from the page cache. GB/s is input throughput: both archives' tensor bytes of
 * every pair over that time.
 *
 * <p>Variants: {@code layerdiff compare --json} once per pair as its own process, one after the other
 * (what a script over the pairs runs today); the same in one JVM ({@code Main.execute}, warmed up: the
 * engine without JVM starts); the job on {@code local[N]} with the default {@code --task-bytes} (a pair a
 * task) and with {@code --task-bytes 64m} (pairs split into units of 64 MiB, merged on the driver).
 *
 * <p>Data as benchmarks/BenchData makes it: float32 layers of [16, 64, 128, 128] (64 MiB) of normal
 * activations with ~31% zeros; the candidate one unit in the last place off in a sixteenth of the
 * elements and a factor 1.5 off in the first channel of its middle layer.
 */
public final class CompareJobBenchmark {
    private static final long LAYER = 16L * 64 * 128 * 128;
    private static final int POOL = 1 << 24;

    private CompareJobBenchmark() {}

    public static void main(String[] args) throws Exception {
        int pairs = 8, mib = 256, runs = 3;
        String master = "local[" + Runtime.getRuntime().availableProcessors() + "]", launcher = null;
        Path where = Path.of(System.getProperty("java.io.tmpdir"), "layerdiff-bench", "spark");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--pairs" -> pairs = Integer.parseInt(args[i + 1]);
                case "--mib" -> mib = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--master" -> master = args[i + 1];
                case "--dir" -> where = Path.of(args[i + 1]);
                case "--layerdiff" -> launcher = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = where;
        int layers = Math.max(1, (int) ((long) mib * (1 << 20) / (LAYER * 4)));
        Files.createDirectories(dir);
        List<String[]> list = new ArrayList<>();
        List<String> manifest = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            String ref = archive(dir, p, layers, false).toString(), cand = archive(dir, p, layers, true).toString();
            list.add(new String[] {ref, cand});
            manifest.add(Fixtures.entry(ref, cand, Map.of("rank", p)));
        }
        Path m = Fixtures.manifest(dir.resolve("pairs-" + pairs + "x" + layers + ".jsonl"), manifest);
        double bytes = 2.0 * pairs * layers * LAYER * 4;
        for (String[] p : list) for (String f : p) warm(Path.of(f));
        System.out.printf(Locale.ROOT, "%d pairs of %d MiB archives (%.2f GB of input), %d cores, %s, best of %d%n",
                pairs, layers * 64, bytes / 1e9, Runtime.getRuntime().availableProcessors(), master, runs);

        List<String[]> rows = new ArrayList<>();
        if (launcher != null) {
            String l = launcher;
            rows.add(row("layerdiff compare, a process per pair", best(runs, () -> processes(l, list, dir)), bytes));
        }
        inProcess(list, dir);
        rows.add(row("layerdiff compare, one JVM (Main.execute)", best(runs, () -> inProcess(list, dir)), bytes));

        long start = System.nanoTime();
        SparkSession spark = SparkSession.builder().appName("layerdiff-bench").master(master)
                .config("spark.ui.enabled", "false").getOrCreate();
        double startup = (System.nanoTime() - start) / 1e9;
        try {
            job(spark, m, dir, "512m");
            rows.add(row("CompareJob " + master + ", a task per pair", best(runs, () -> job(spark, m, dir, "512m")), bytes));
            rows.add(row("CompareJob " + master + ", --task-bytes 64m", best(runs, () -> job(spark, m, dir, "64m")), bytes));
        } finally {
            spark.stop();
        }
        System.out.printf(Locale.ROOT, "Spark session start (not in the job times): %.1f s%n", startup);
        System.out.printf("%-48s %9s %9s%n", "variant", "s", "GB/s");
        for (String[] r : rows) System.out.printf("%-48s %9s %9s%n", (Object[]) r);
    }

    private interface Timed {
        void run() throws Exception;
    }

    private static double best(int runs, Timed t) throws Exception {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            t.run();
            best = Math.min(best, (System.nanoTime() - s) / 1e9);
        }
        return best;
    }

    private static String[] row(String name, double seconds, double bytes) {
        return new String[] {name, String.format(Locale.ROOT, "%.2f", seconds), String.format(Locale.ROOT, "%.2f", bytes / seconds / 1e9)};
    }

    private static void processes(String launcher, List<String[]> pairs, Path dir) throws Exception {
        for (String[] p : pairs) {
            Process proc = new ProcessBuilder(launcher, "compare", p[0], p[1], "--json", dir.resolve("local.json").toString(), "--quiet")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int code = proc.waitFor();
            if (code != 1) throw new IllegalStateException(launcher + " compare " + p[0] + " " + p[1] + ": exit " + code);
        }
    }

    private static void inProcess(List<String[]> pairs, Path dir) {
        for (String[] p : pairs) {
            StringWriter err = new StringWriter();
            int code = Main.execute(new String[] {"compare", p[0], p[1], "--json", dir.resolve("local.json").toString(), "--quiet"},
                    new PrintWriter(new StringWriter()), new PrintWriter(err));
            if (code != 1) throw new IllegalStateException("compare " + p[0] + ": exit " + code + " " + err);
        }
    }

    private static void job(SparkSession spark, Path manifest, Path dir, String taskBytes) {
        StringWriter err = new StringWriter();
        int code = CompareJob.execute(spark, new CompareJob(), new String[] {"--manifest", manifest.toString(),
                "--out", dir.resolve("job-out").toString(), "--task-bytes", taskBytes}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        if (code != 1) throw new IllegalStateException("the job exited with " + code + ": " + err);
    }

    private static void warm(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22);
        try (FileChannel ch = FileChannel.open(file)) {
            while (ch.read(buf) > 0) buf.clear();
        }
    }

    private static Path archive(Path dir, int pair, int layers, boolean candidate) throws IOException {
        Path p = dir.resolve(String.format("pair%02d-%s-%dx64MiB.safetensors", pair, candidate ? "cand" : "ref", layers));
        if (Files.exists(p)) return p;
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"producer\":\"layerdiff spark benchmark\"}");
        for (int l = 0; l < layers; l++) {
            h.append(String.format(",\"layers.%d.conv\":{\"dtype\":\"F32\",\"shape\":[16,64,128,128],\"data_offsets\":[%d,%d]}",
                    l, l * LAYER * 4, (l + 1) * LAYER * 4));
        }
        h.append('}');
        while (h.length() % 8 != 0) h.append(' ');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip());
            ch.write(ByteBuffer.wrap(header));
            for (int l = 0; l < layers; l++) layer(ch, pair * 7919L + l * 104729L, candidate, candidate && l == layers / 2);
        }
        Files.move(tmp, p);
        return p;
    }

    private static void layer(FileChannel ch, long start, boolean candidate, boolean diverged) throws IOException {
        float[] pool = Pool.VALUES;
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
        long channel = LAYER / (16 * 64);
        for (long i = 0; i < LAYER; i++) {
            float v = pool[(int) ((start + i) & (POOL - 1))];
            if (candidate && (i * 0x9E3779B97F4A7C15L >>> 60) == 0 && v != 0) v = Math.nextUp(v);
            if (diverged && (i / channel) % 64 == 0) v *= 1.5f;
            buf.putFloat(v);
            if (!buf.hasRemaining()) {
                buf.flip();
                while (buf.hasRemaining()) ch.write(buf);
                buf.clear();
            }
        }
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
    }

    private static final class Pool {
        static final float[] VALUES = make();

        private static float[] make() {
            SplittableRandom r = new SplittableRandom(42);
            float[] v = new float[POOL];
            for (int i = 0; i < POOL; i++) {
                double u1 = r.nextDouble(), u2 = r.nextDouble();
                double g = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
                v[i] = g < -0.5 ? 0f : (float) (g * 0.7);
            }
            return v;
        }
    }
}
