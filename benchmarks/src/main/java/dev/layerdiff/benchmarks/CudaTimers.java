package dev.layerdiff.benchmarks;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JNI binding of {@code native/cuda_timers.h}: the GPU benchmarks' CUDA-event timers, built by this
 * module's {@code cppbuild.sh} where nvcc is (so that the production library has no benchmark entry
 * points). Each method returns the median milliseconds of {@code reps} runs after a warm-up, or throws
 * naming the CUDA error.
 */
@Platform(value = "linux-x86_64", include = "cuda_timers.h",
        link = {"pthread", "rt", "dl", "cudart_static", "layerdiff_cuda", "layerdiff_cuda_timers"})
final class CudaTimers {
    private CudaTimers() {}

    /** Why the timers cannot run here, or null once they are loaded. */
    static String unavailabilityCause() {
        String platform = Loader.getPlatform();
        if (CudaTimers.class.getResource(platform + "/" + System.mapLibraryName("jniCudaTimers")) == null) {
            return "this build of the benchmarks has no CUDA timers (built without nvcc)";
        }
        Loader.load(CudaTimers.class);
        return null;
    }

    /** Device-to-device copies of {@code bytes} from {@code src} to {@code dst}. */
    static double copyDeviceToDevice(long dst, long src, long bytes, int reps) {
        double[] ms = new double[1];
        check(ldb_time_copy_d2d(dst, src, bytes, reps, ms), "timing a device copy");
        return ms[0];
    }

    /** Pinned host-to-device copies of {@code bytes}. */
    static double copyHostToDevice(int device, long bytes, int reps) {
        double[] ms = new double[1];
        check(ldb_time_copy_h2d(device, bytes, reps, ms), "timing a host-to-device copy");
        return ms[0];
    }

    /** The fused comparison of {@code n} device-resident pairs ({@code NativeCodes} types), no image. */
    static double compare(int device, long ref, int refType, long cand, int candType, long n, int reps) {
        double[] ms = new double[1];
        check(ldb_time_compare(device, ref, refType, cand, candType, n, reps, ms), "timing the kernel");
        return ms[0];
    }

    private static void check(int error, String what) {
        if (error != 0) {
            throw new IllegalStateException("CUDA error while " + what + ": " + ld_cuda_error_string(error).getString());
        }
    }

    static native @Cast("const char*") BytePointer ld_cuda_error_string(int error);

    static native int ldb_time_copy_d2d(long dst, long src, long bytes, int reps, double[] ms);

    static native int ldb_time_copy_h2d(int device, long bytes, int reps, double[] ms);

    static native int ldb_time_compare(int device, long ref, int refType, long cand, int candType, long n, int reps,
                                       double[] ms);
}
