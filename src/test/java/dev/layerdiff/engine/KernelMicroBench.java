package dev.layerdiff.engine;

import dev.layerdiff.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Throwaway single-thread timing of the chosen kernel alone (no backend, no mapping): 64 MiB per side
 * of the benchmark data, best of 15, GB/s of combined input. Less sensitive to a busy machine than the
 * end-to-end harness. Run like {@link MappedCompareTiming}.
 */
public final class KernelMicroBench {
    public static void main(String[] args) {
        int n = 1 << 24, chunk = CpuBackend.DEFAULT_CHUNK_ELEMENTS;
        ByteBuffer a = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        Random values = new Random(1), noise = new Random(2);
        for (int i = 0; i < n; i++) {
            float v = values.nextFloat() < 0.3 ? 0 : (float) values.nextGaussian();
            a.putFloat(4 * i, v);
            if (v != 0 && noise.nextFloat() < 0.1f) v = noise.nextBoolean() ? Math.nextUp(v) : Math.nextDown(v);
            b.putFloat(4 * i, v);
        }
        CpuKernel k = CpuKernels.lookup();
        double readBest = Double.MAX_VALUE, best = Double.MAX_VALUE;
        long sink = 0;
        for (int rep = 0; rep < 15; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i + 16 <= 4 * n; i += 16) sink += a.getLong(i) + b.getLong(i) + a.getLong(i + 8) + b.getLong(i + 8);
            readBest = Math.min(readBest, (System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            for (int first = 0; first < n; first += chunk) {
                PairPartial p = new PairPartial(1e-3, 1e-5, false, null);
                k.compare(a.slice(4 * first, 4 * chunk).order(ByteOrder.LITTLE_ENDIAN), DType.FLOAT32,
                        b.slice(4 * first, 4 * chunk).order(ByteOrder.LITTLE_ENDIAN), DType.FLOAT32, chunk, first, p);
                sink += p.mismatched + p.finitePairs;
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        double gb = 8.0 * n / 1e9;
        System.out.printf("1 thread, kernel %s: %.2f GB/s; plain read 1 thread: %.2f GB/s (%d)%n", k.name(), gb / best,
                gb / readBest, sink);
    }
}
