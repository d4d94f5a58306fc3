/*
 * Timers for the GPU benchmarks (dev.layerdiff.benchmarks.CudaTimers), kept out of the production
 * library: CUDA events around device copies and the fused kernel, the median milliseconds of reps runs
 * after a warm-up. Every function returns 0 or a cudaError_t (ld_cuda_error_string names it).
 */
#ifndef LAYERDIFF_CUDA_TIMERS_H
#define LAYERDIFF_CUDA_TIMERS_H

#include <stdint.h>
#include "layerdiff_cuda.h"

#ifdef __cplusplus
extern "C" {
#endif

/* bytes from device address src to dst (device memory from anywhere in this process). */
int ldb_time_copy_d2d(int64_t dst, int64_t src, int64_t bytes, int reps, double *ms);
/* bytes from a pinned host buffer to the device (buffers allocated and freed here). */
int ldb_time_copy_h2d(int device, int64_t bytes, int reps, double *ms);
/* The comparison of n device-resident pairs (LD_DT_* types), without an image, on a lane of its own. */
int ldb_time_compare(int device, int64_t ref, int ref_type, int64_t cand, int cand_type, int64_t n, int reps,
                     double *ms);

#ifdef __cplusplus
}
#endif

#endif
