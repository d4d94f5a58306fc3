package dev.layerdiff.benchmarks;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.engine.cuda.CudaBackend;
import dev.layerdiff.engine.cuda.CudaBackendProvider;
import dev.layerdiff.engine.cuda.DeviceMemory;
import dev.layerdiff.engine.cuda.DeviceTensor;
import dev.layerdiff.engine.Backends;
import dev.layerdiff.engine.NativeCodes;
import dev.layerdiff.stats.PairResult;
import dev.layerdiff.report.JsonReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The GPU half of the benchmarks, in one run: the device's copy bandwidth (device to device, bytes read
 * plus written) and the fused kernel over device-resident pairs per dtype and histogram strategy, timed
 * with CUDA events ({@link CudaTimers}: median of reps, after a warm-up: device work is asynchronous, so host timers such as
 * JMH's would add the launch and the synchronization); then pinned host-to-device bandwidth and
 * {@code compare} end to end from archives in the page cache (wall clock, best of 3), which must find
 * the planted layer. Without a usable GPU it prints why and exits 0.
 *
 * <p>Usage: {@code java -cp ... dev.layerdiff.benchmarks.CudaBenchmark [--gib G] [--skip-archives]
 * [--formats safetensors,npz,pt]}:
 * G GiB per side on the device (default 2); archives as {@link BenchData} (-Dlayerdiff.bench.gib).
 */
public final class CudaBenchmark {
    private CudaBenchmark() {}

    private static final int REPS = 20;
    /** The device {@link CudaBackendProvider} puts its backends on. */
    private static final int DEVICE = 0;

    public static void main(String[] args) throws IOException {
        double gib = 2;
        boolean archives = true;
        String[] formats = {"safetensors", "npz", "pt"};
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--gib")) gib = Double.parseDouble(args[++i]);
            else if (args[i].equals("--skip-archives")) archives = false;
            else if (args[i].equals("--formats")) formats = args[++i].split(",");
        }
        Throwable why = Backends.cudaUnavailabilityCause();
        if (why != null) {
            System.out.println("GPU benchmarks skipped: " + why.getMessage());
            return;
        }
        String noTimers = CudaTimers.unavailabilityCause();
        if (noTimers != null) {
            System.out.println("GPU benchmarks skipped: " + noTimers);
            return;
        }
        CudaBackendProvider.describe().forEach(l -> System.out.println("# " + l));
        try (CudaBackend cuda = CudaBackendProvider.create()) {
            run(cuda, gib, archives, formats);
        }
    }

    private static void run(CudaBackend cuda, double gib, boolean archives, String[] formats) throws IOException {
        long bytes = (long) (gib * (1L << 30)) & ~4095L;
        System.out.printf(Locale.ROOT, "%-44s %10s %10s %9s%n", "benchmark", "ms", "GB/s", "x copy");

        double copyGbs;
        try (DeviceMemory ref = DeviceMemory.allocate(cuda, bytes); DeviceMemory cand = DeviceMemory.allocate(cuda, bytes)) {
            double copyMs = CudaTimers.copyDeviceToDevice(cand.address(), ref.address(), bytes, REPS);
            copyGbs = 2 * bytes / copyMs / 1e6;
            row("device copy (read + write)", copyMs, copyGbs, 1);
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16}) {
                fill(ref, cand, t, bytes);
                long n = bytes / t.byteSize();
                DeviceTensor r = new DeviceTensor(ref.address(), t, new long[] {n});
                DeviceTensor c = new DeviceTensor(cand.address(), t, new long[] {n});
                PairResult once = cuda.compareResident(r, c, 1e-3, 1e-5, false, false);
                if (once.metrics().mismatched() == 0) throw new IllegalStateException("the planted divergence was not found");
                double ms = CudaTimers.compare(DEVICE, r.address(), NativeCodes.dtype(t), c.address(), NativeCodes.dtype(t), n, REPS);
                double gbs = 2 * bytes / ms / 1e6;
                row("kernel " + t, ms, gbs, gbs / copyGbs);
                long start = System.nanoTime();
                PairResult withImage = cuda.compareResident(r, c, 1e-3, 1e-5, false, true);
                ms = (System.nanoTime() - start) / 1e6;
                if (withImage.image() == null) throw new IllegalStateException("no image");
                row("kernel " + t + " with image (host timer, once)", ms, 2 * bytes / ms / 1e6, 2 * bytes / ms / 1e6 / copyGbs);
            }
        }

        double h2dMs = CudaTimers.copyHostToDevice(DEVICE, 1L << 30, REPS);
        double h2dGbs = (1L << 30) / h2dMs / 1e6;
        row("pinned host-to-device copy", h2dMs, h2dGbs, Double.NaN);
        if (!archives) return;
        for (String format : formats) {
            var refPath = BenchData.archive(format, BenchData.Dtype.F32, false);
            var candPath = BenchData.archive(format, BenchData.Dtype.F32, true);
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                try (Archive r = Archives.open(refPath); Archive c = Archives.open(candPath)) {
                    var report = CpuEngineBenchmark.check(new LayerDiff(cuda).compare(r, c, CompareOptions.defaults()));
                    JsonReport.write(report, OutputStream.nullOutputStream());
                }
                best = Math.min(best, (System.nanoTime() - start) / 1e6);
            }
            double input = 2.0 * BenchData.dataBytes(BenchData.Dtype.F32);
            double gbs = input / best / 1e6;
            System.out.printf(Locale.ROOT, "%-44s %10.1f %10.2f %9s (x H2D %.2f)%n", "end to end " + format + " F32", best, gbs,
                    "", gbs / h2dGbs);
            // The same comparison again over archives already open: the file mappings' page tables are
            // populated, so this is the pipeline without the first touch of each page.
            try (Archive r = Archives.open(refPath); Archive c = Archives.open(candPath)) {
                LayerDiff diff = new LayerDiff(cuda);
                diff.compare(r, c, CompareOptions.defaults());
                long start = System.nanoTime();
                CpuEngineBenchmark.check(diff.compare(r, c, CompareOptions.defaults()));
                double ms = (System.nanoTime() - start) / 1e6;
                System.out.printf(Locale.ROOT, "%-44s %10.1f %10.2f %9s (x H2D %.2f)%n", "  again, archives open", ms,
                        input / ms / 1e6, "", input / ms / 1e6 / h2dGbs);
            }
        }
    }

    private static void row(String what, double ms, double gbs, double ratio) {
        System.out.printf(Locale.ROOT, "%-44s %10.3f %10.1f %9.2f%n", what, ms, gbs, ratio);
    }

    /**
     * Fills both sides with activations (normal values, a quarter exact zeros as after ReLU), the
     * candidate within float noise of the reference but for one planted block: a 64 MiB pattern repeated,
     * which is far larger than the GPU's L2 cache.
     */
    private static void fill(DeviceMemory ref, DeviceMemory cand, DType t, long bytes) {
        int block = 64 << 20;
        ByteBuffer r = ByteBuffer.allocateDirect(block).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer c = ByteBuffer.allocateDirect(block).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom rnd = new SplittableRandom(7);
        int n = block / t.byteSize();
        for (int i = 0; i < n; i++) {
            float x = rnd.nextInt(4) == 0 ? 0f : (float) (rnd.nextDouble() * 2 - 1) * (float) Math.exp(rnd.nextDouble() * 4 - 2);
            float y = x * (1 + (float) ((rnd.nextDouble() - 0.5) * 1e-7));
            put(r, t, i, x);
            put(c, t, i, y);
        }
        for (long at = 0; at < bytes; at += block) {
            int len = (int) Math.min(block, bytes - at);
            ref.upload(at, r.duplicate().limit(len));
            cand.upload(at, c.duplicate().limit(len));
        }
        // The planted divergence: one block of the candidate scaled by 2.
        ByteBuffer planted = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < (1 << 20) / t.byteSize(); i++) put(planted, t, i, 3f);
        cand.upload(bytes / 2, planted);
    }

    private static void put(ByteBuffer b, DType t, int i, float v) {
        switch (t) {
            case FLOAT32 -> b.putFloat(4 * i, v);
            case FLOAT16 -> b.putShort(2 * i, Halfs.toHalf(v));
            case BFLOAT16 -> b.putShort(2 * i, Halfs.toBfloat16(v));
            default -> throw new IllegalArgumentException(t.toString());
        }
    }
}
