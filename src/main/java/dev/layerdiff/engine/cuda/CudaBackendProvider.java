package dev.layerdiff.engine.cuda;

import dev.layerdiff.engine.NativeLibraries;
import dev.layerdiff.engine.NativeResults;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;

/**
 * Probes CUDA and creates the backend; found by {@code dev.layerdiff.engine.Backends} through reflection,
 * so the core never links to this package or to JavaCPP. Each refusal says why, as an
 * {@link UnsupportedOperationException} (soft: another backend runs) or an {@link IllegalStateException}
 * (a packaging bug). The probe runs once per process; each backend it creates (device 0) belongs to
 * the caller, who closes it.
 */
public final class CudaBackendProvider {
    private CudaBackendProvider() {}

    /** The device the probe found, or null before it ran or when it failed. */
    private static Device probed;
    private static RuntimeException refusal;

    /** A new CUDA backend on device 0, or an exception saying why there is none. */
    public static synchronized CudaBackend create() {
        if (refusal != null) throw refusal;
        if (probed == null) {
            try {
                probed = probe();
            } catch (RuntimeException e) {
                refusal = e;
                throw e;
            }
        }
        return new CudaBackend(0, probed.name);
    }

    private static Device probe() {
        if (!driverPresent()) {
            throw new UnsupportedOperationException("no NVIDIA driver on this machine (no /dev/nvidiactl or /dev/dxg)");
        }
        loadLibrary();
        int count = CudaNative.ld_cuda_device_count();
        if (count < 0) {
            throw new UnsupportedOperationException("no usable CUDA driver or device (" + CudaErrors.errorString(-count) + ")");
        }
        if (count == 0) throw new UnsupportedOperationException("no CUDA device");
        NativeResults.checkPairSize(CudaNative.ld_cuda_pair_size());
        Device d = device(0);
        if (d.capability < 75) {
            throw new UnsupportedOperationException(d.name + " has compute capability " + d.capability / 10 + "."
                    + d.capability % 10 + "; the kernels need 7.5 or newer");
        }
        return d;
    }

    /**
     * Whether an NVIDIA driver is present, judged by its device nodes (Linux, and WSL2's /dev/dxg), so
     * that machines without one skip loading the library (a few hundred milliseconds).
     */
    static boolean driverPresent() {
        return java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidiactl"))
                || java.nio.file.Files.exists(java.nio.file.Path.of("/dev/dxg"));
    }

    private static void loadLibrary() {
        NativeLibraries.load("CUDA kernels", CudaNative.class, Loader.getPlatform(),
                "built without nvcc, or with -Dcuda.skip=true", CudaNative::load);
    }

    /** A CUDA device as the runtime reports it. */
    private record Device(String name, long memory, int capability, int sms) {}

    private static Device device(int i) {
        byte[] name = new byte[256];
        long[] memory = new long[1];
        int[] capability = new int[1], sms = new int[1];
        CudaErrors.check(CudaNative.ld_cuda_device_info(i, name, name.length, memory, capability, sms),
                "reading the properties of device " + i);
        int len = 0;
        while (len < name.length && name[len] != 0) len++;
        return new Device(new String(name, 0, len, StandardCharsets.UTF_8), memory[0], capability[0], sms[0]);
    }

    /**
     * What {@code layerdiff doctor} prints: the driver and runtime versions and each device (name, memory,
     * compute capability, multiprocessors), or why none can be used.
     */
    public static synchronized List<String> describe() {
        List<String> lines = new ArrayList<>();
        try {
            loadLibrary();
        } catch (RuntimeException e) {
            lines.add("kernels:  " + e.getMessage());
            return lines;
        }
        lines.add("kernels:  in this build (cppbuild.sh targets sm_75, sm_80, sm_86, sm_89, sm_90 and PTX unless"
                + " LAYERDIFF_CUDA_ARCHS says otherwise)");
        lines.add("runtime:  CUDA " + version(CudaNative.ld_cuda_runtime_version()) + " (linked statically)");
        int driver = CudaNative.ld_cuda_driver_version();
        lines.add("driver:   " + (driver == 0 ? "none found (no libcuda.so.1)" : "supports CUDA " + version(driver)));
        int count = CudaNative.ld_cuda_device_count();
        if (count < 0) {
            lines.add("devices:  none usable (" + CudaErrors.errorString(-count) + ")");
            return lines;
        }
        lines.add("devices:  " + count);
        for (int i = 0; i < count; i++) {
            try {
                Device d = device(i);
                lines.add(String.format("  [%d] %s, %.1f GiB, compute capability %d.%d, %d multiprocessors", i, d.name,
                        d.memory / (double) (1L << 30), d.capability / 10, d.capability % 10, d.sms));
            } catch (CudaException e) {
                lines.add("  [" + i + "] " + e.getMessage());
            }
        }
        return lines;
    }

    private static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }
}
