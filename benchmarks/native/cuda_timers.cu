// The GPU benchmarks' timers (see cuda_timers.h). They time the production library's own kernels,
// linked from its static library (liblayerdiff_cuda.a, built by the project's cppbuild.sh), through its
// public entry points: a lane's stream comes from ld_cuda_lane_stream. The copy of the CUDA runtime
// linked here shares the process's primary context with the production library's, so device addresses
// pass between them.
#include "cuda_timers.h"

#include <cuda_runtime.h>
#include <stdlib.h>
#include <string.h>

namespace {

int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/** Times reps runs of op (after one warm-up) with events; the median milliseconds into *ms. */
template <class Op>
int time_median(cudaStream_t stream, int reps, double *ms, Op op) {
    cudaEvent_t start, stop;
    cudaError_t e;
    if ((e = cudaEventCreate(&start)) != cudaSuccess) return e;
    if ((e = cudaEventCreate(&stop)) != cudaSuccess) return e;
    double *t = (double *)malloc(sizeof(double) * (size_t)(reps > 0 ? reps : 1));
    if ((e = (cudaError_t)op()) != cudaSuccess) goto done;
    for (int r = 0; r < reps; r++) {
        cudaEventRecord(start, stream);
        if ((e = (cudaError_t)op()) != cudaSuccess) goto done;
        cudaEventRecord(stop, stream);
        if ((e = cudaEventSynchronize(stop)) != cudaSuccess) goto done;
        float f = 0;
        cudaEventElapsedTime(&f, start, stop);
        t[r] = f;
    }
    qsort(t, (size_t)reps, sizeof(double), compare_doubles);
    *ms = reps > 0 ? t[reps / 2] : 0;
done:
    free(t);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return e;
}

}  // namespace

extern "C" {

int ldb_time_copy_d2d(int64_t dst, int64_t src, int64_t bytes, int reps, double *ms) {
    return time_median(0, reps, ms, [&] {
        return (int)cudaMemcpyAsync((void *)(intptr_t)dst, (const void *)(intptr_t)src, (size_t)bytes,
                                    cudaMemcpyDeviceToDevice, 0);
    });
}

int ldb_time_copy_h2d(int device, int64_t bytes, int reps, double *ms) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return e;
    void *h = nullptr, *d = nullptr;
    if ((e = cudaHostAlloc(&h, (size_t)bytes, cudaHostAllocDefault)) != cudaSuccess) return e;
    if ((e = cudaMalloc(&d, (size_t)bytes)) != cudaSuccess) {
        cudaFreeHost(h);
        return e;
    }
    memset(h, 1, (size_t)bytes);
    e = (cudaError_t)time_median(0, reps, ms, [&] {
        return (int)cudaMemcpyAsync(d, h, (size_t)bytes, cudaMemcpyHostToDevice, 0);
    });
    cudaFree(d);
    cudaFreeHost(h);
    return e;
}

int ldb_time_compare(int device, int64_t ref, int ref_type, int64_t cand, int cand_type, int64_t n, int reps,
                     double *ms) {
    int64_t lane = 0;
    int e = ld_cuda_lane_create(device, 0, &lane);
    if (e != 0) return e;
    e = time_median(static_cast<cudaStream_t>(ld_cuda_lane_stream(lane)), reps, ms, [&] {
        return ld_cuda_lane_compare_device(lane, ref, ref_type, 0, cand, cand_type, 0, n, 0, 1.3e-6, 1e-5, 0, nullptr);
    });
    ld_cuda_lane_destroy(lane);
    return e;
}

}  // extern "C"
