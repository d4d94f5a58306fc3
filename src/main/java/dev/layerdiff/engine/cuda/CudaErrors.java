package dev.layerdiff.engine.cuda;

/** The one error boundary of the CUDA calls: a non-zero {@code cudaError_t} becomes a {@link CudaException}. */
final class CudaErrors {
    private CudaErrors() {}

    /** Throws a {@link CudaException} naming what failed if {@code error} is not 0. */
    static void check(int error, String what) {
        if (error != 0) throw new CudaException("CUDA error while " + what + ": " + errorString(error));
    }

    /** {@code cudaErrorName: description} of a {@code cudaError_t}. */
    static String errorString(int error) {
        return CudaNative.ld_cuda_error_string(error).getString();
    }
}
