/*
 * The codes that layerdiff's native kernels (CPU and CUDA) and its Java side share, written once here.
 * The Java side reads them as dev.layerdiff.engine.NativeCodes (element types) and
 * dev.layerdiff.engine.BinCounts (histogram codes); NativeCodesTest parses this file and fails if
 * either side changes alone.
 */
#ifndef LAYERDIFF_CODES_H
#define LAYERDIFF_CODES_H

/* Element types: LD_DT_<name> is the position of <name> in dev.layerdiff.tensor.DType. */
#define LD_DT_FLOAT64 0
#define LD_DT_FLOAT32 1
#define LD_DT_FLOAT16 2
#define LD_DT_BFLOAT16 3
#define LD_DT_FLOAT8_E4M3FN 4
#define LD_DT_FLOAT8_E5M2 5
#define LD_DT_FLOAT8_E8M0FNU 6
#define LD_DT_INT64 7
#define LD_DT_INT32 8
#define LD_DT_INT16 9
#define LD_DT_INT8 10
#define LD_DT_UINT64 11
#define LD_DT_UINT32 12
#define LD_DT_UINT16 13
#define LD_DT_UINT8 14
#define LD_DT_BOOL 15

/*
 * Histogram codes (dev.layerdiff.stats.Histogram): LD_BINS bins per sign, bin b holding the binary
 * exponent LD_MIN_EXPONENT + b of the value as a double (clamped to the bins); codes 0.. are the
 * positive bins, LD_NEGATIVE.. the negative ones (the sign is bit 7 of a bin's code), then zero (either
 * sign), NaN, +Inf and -Inf (LD_POS_INF + sign bit). LD_CODES codes in all.
 */
#define LD_BINS 128
#define LD_MIN_EXPONENT (-64)
#define LD_NEGATIVE 128
#define LD_ZERO 256
#define LD_NAN 257
#define LD_POS_INF 258
#define LD_NEG_INF 259
#define LD_CODES 260

#endif
