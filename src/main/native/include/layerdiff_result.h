/*
 * The result layout shared by layerdiff's native kernels (CPU and CUDA): one chunk's (or one tensor
 * pair's) comparison, every field 8 bytes, read by dev.layerdiff.engine.NativeResults at fixed offsets.
 */
#ifndef LAYERDIFF_RESULT_H
#define LAYERDIFF_RESULT_H

#include <stdint.h>
#include "layerdiff_codes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ld_side {
    int64_t count;
    double min, max, sum, sum_sq;  /* over finite values; min/max in Java's Math.min/max order */
    int64_t hist[LD_CODES];
} ld_side;

/* One chunk's result. Every field is 8 bytes, so the Java side reads it at fixed offsets. */
typedef struct ld_pair {
    ld_side ref, cand;
    int64_t diff_hist[LD_CODES];
    int64_t finite_pairs, mismatched, max_abs_index; /* max_abs_index: -1 when there is no finite pair */
    double sum_abs, sum_sq, sum_rr, sum_cc, sum_rc, max_abs, max_rel;
} ld_pair;

#ifdef __cplusplus
}
#endif

#endif
