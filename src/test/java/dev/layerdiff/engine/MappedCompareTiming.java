package dev.layerdiff.engine;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throwaway timing harness (not a test): GB/s of combined input for two float32 tensors memory-mapped
 * from files in the page cache. Baseline = a plain 2-thread read of both buffers, the machine's limit.
 * Run: {@code mvn -q test-compile && java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes
 * dev.layerdiff.engine.MappedCompareTiming [MiB per tensor, default 1024]}.
 */
public final class MappedCompareTiming {
    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int n = (int) (mib * (1 << 20) / 4);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "layerdiff-bench");
        Files.createDirectories(dir);
        MappedByteBuffer a = file(dir.resolve("ref2-" + mib + ".f32"), n, 1);
        MappedByteBuffer b = file(dir.resolve("cand2-" + mib + ".f32"), n, 2);
        TensorEntry ra = entry(a, n), rb = entry(b, n);
        double gb = 2.0 * n * 4 / 1e9;
        System.out.printf("input: 2 x %d MiB float32 (%.2f GB combined), %d cores, kernel lookup: %s%n", mib, gb,
                Runtime.getRuntime().availableProcessors(), CpuKernels.lookup().name());
        time("baseline read (2 threads)", gb, () -> baseline(a, b));
        CpuBackend scalar = new CpuBackend(CpuKernels.scalar(), 2, CpuBackend.DEFAULT_CHUNK_ELEMENTS);
        CpuBackend simd = new CpuBackend(CpuKernels.lookup(), 2, CpuBackend.DEFAULT_CHUNK_ELEMENTS);
        boolean withScalar = !Boolean.getBoolean("bench.noscalar");
        for (CpuBackend be : withScalar ? new CpuBackend[] {scalar, simd} : new CpuBackend[] {simd}) {
            for (boolean image : new boolean[] {false, true}) {
                PairTask task = new PairTask(ra, rb, 1e-3, 1e-5, false, image);
                time(be.name() + (image ? " + image" : ""), gb, () -> be.compare(List.of(task)).get(0).metrics().mismatched());
            }
        }
        time("summarize " + simd.name() + " (one tensor)", gb / 2, () -> simd.summarize(List.of(ra)).get(0).stats().count());
    }

    interface Body { Object run() throws Exception; }

    private static void time(String what, double gb, Body body) throws Exception {
        double best = Double.MAX_VALUE;
        Object sink = null;
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            sink = body.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("%-36s %7.3f s  %6.2f GB/s  (%s)%n", what, best, gb / best, sink);
    }

    private static long baseline(ByteBuffer a, ByteBuffer b) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            int half = a.capacity() / 2 & ~7;
            Future<Long> f0 = pool.submit(() -> sum(a, b, 0, half));
            Future<Long> f1 = pool.submit(() -> sum(a, b, half, a.capacity()));
            return f0.get() + f1.get();
        } finally {
            pool.shutdown();
        }
    }

    private static long sum(ByteBuffer a, ByteBuffer b, int from, int to) {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = from; i + 16 <= to; i += 16) {
            s0 += a.getLong(i);
            s1 += a.getLong(i + 8);
            s2 += b.getLong(i);
            s3 += b.getLong(i + 8);
        }
        return s0 + s1 + s2 + s3;
    }

    private static TensorEntry entry(ByteBuffer buf, int n) {
        TensorData data = new TensorData() {
            @Override public long byteSize() { return buf.capacity(); }
            @Override public boolean isRandomAccess() { return true; }
            @Override public ByteBuffer read(long offset, int length) {
                return buf.slice((int) offset, length).order(ByteOrder.LITTLE_ENDIAN);
            }
        };
        return new TensorEntry("x", 0, DType.FLOAT32, new long[] {64, n / 64}, ByteOrder.LITTLE_ENDIAN, data);
    }

    /**
     * Activation-like float32 data (30% exact zeros, normal otherwise), written once and then mapped
     * read-only. The candidate (seed 2) is the reference with 1-ulp noise in 10% of the elements.
     */
    private static MappedByteBuffer file(Path p, int n, long seed) throws IOException {
        if (!Files.exists(p) || Files.size(p) != 4L * n) {
            Random rnd = new Random(seed);
            Random values = new Random(1);
            ByteBuffer block = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            float[] pattern = new float[1 << 20];
            for (int i = 0; i < pattern.length; i++) pattern[i] = values.nextFloat() < 0.3 ? 0 : (float) values.nextGaussian();
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long done = 0; done < n; done += pattern.length) {
                    block.clear();
                    for (int i = 0; i < pattern.length; i++) {
                        float v = pattern[i];
                        if (seed != 1 && v != 0 && rnd.nextFloat() < 0.1f) v = rnd.nextBoolean() ? Math.nextUp(v) : Math.nextDown(v);
                        block.putFloat(v);
                    }
                    block.flip();
                    while (block.hasRemaining()) ch.write(block);
                }
            }
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, 4L * n);
            m.order(ByteOrder.LITTLE_ENDIAN);
            m.load();
            return m;
        }
    }
}
