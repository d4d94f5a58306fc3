// layerdiff's CUDA kernels (see layerdiff_cuda.h). One fused pass: each element pair is read once from
// device memory, converted to double inside the kernel, and folded into every metric, the mismatch
// count, both sides' statistics, three histograms and (optionally) the image's block maxima.
//
// Exactness: the per-element arithmetic is ScalarKernel's (double; the tolerance multiplied, then added,
// never fused; this file is built with -fmad=false). Counts and histograms are integers, min/max and
// max_abs/max_rel are order-independent, so they equal the CPU's bit for bit; only the sums depend on
// the order of additions (per thread, then a fixed tree), within CompareBackend.SUM_RELATIVE_TOLERANCE.
#include "layerdiff_cuda.h"

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace {

constexpr int THREADS = 256;
constexpr int WARPS = THREADS / 32;
/** Shared histogram copies per block: lane l of every warp counts into copy l % COPIES, so when all lanes
 *  of a warp count the same bin (|d| is 0 wherever two runs agree) at most two share a counter, instead
 *  of 32 serializing on one (measured on the H100: 4 copies shared by warps ran at 641 GB/s in float32,
 *  246 in float16). */
constexpr int COPIES = 16;
/** Words per histogram copy: odd, so one code in the 16 copies lies in 16 different banks. */
constexpr int HSTRIDE = 261;
static_assert(HSTRIDE >= LD_CODES && HSTRIDE % 2 == 1, "a histogram copy holds every code, in an odd stride");
/** Largest grid: blocks per multiprocessor times multiprocessors. */
constexpr int MAX_BLOCKS_PER_SM = 8;

enum Load { L_F32, L_F16, L_BF16, L_GENERIC };

/** Per-thread (then per-block) partial, merged in a fixed order. */
struct Side {
    double min, max, sum, sumsq;
};

struct Partial {
    Side r, c;
    long long finite, mism, maxidx;
    double sumabs, sumsq, rr, cc, rc, maxabs, maxrel;
};

struct Params {
    const unsigned char *ref, *cand;
    int ref_type, ref_swap, cand_type, cand_swap;
    long long n, first;
    double rtol, atol;
    int equal_nan;
    Partial *partials;
    unsigned long long *hist;  // [3][LD_CODES], this launch's totals
    ld_image image;
};

static_assert(LD_NEGATIVE == 1 << 7, "code_of puts the sign at bit 7 of a bin's code");

/** BinCounts.codeOf: the histogram code of a double. */
__device__ __forceinline__ int code_of(double x) {
    unsigned long long bits = (unsigned long long)__double_as_longlong(x);
    unsigned hi = (unsigned)(bits >> 32), lo = (unsigned)bits;
    int sign = (int)(hi >> 31);
    unsigned ahi = hi & 0x7fffffffu;
    int e = (int)(ahi >> 20);
    if (e == 0x7ff) return ((ahi & 0xfffffu) | lo) == 0 ? LD_POS_INF + sign : LD_NAN;
    if ((ahi | lo) == 0) return LD_ZERO;
    int bin = min(max(e - (1023 + LD_MIN_EXPONENT), 0), LD_BINS - 1);
    return bin | (sign << 7);
}

/** Counts code into this lane's copy of a shared histogram (h: the copy). */
__device__ __forceinline__ void count(unsigned *h, int code) { atomicAdd(&h[code], 1u); }

/** Java's Math.min/Math.max on non-NaN values: -0.0 sorts below 0.0. */
__device__ __forceinline__ double jmin(double m, double x) { return (x < m || (x == m && signbit(x))) ? x : m; }
__device__ __forceinline__ double jmax(double m, double x) { return (x > m || (x == m && !signbit(x))) ? x : m; }

__device__ __forceinline__ void init(Side &s) {
    s.min = INFINITY;
    s.max = -INFINITY;
    s.sum = 0;
    s.sumsq = 0;
}

__device__ __forceinline__ void init(Partial &a) {
    init(a.r);
    init(a.c);
    a.finite = a.mism = 0;
    a.maxidx = -1;
    a.sumabs = a.sumsq = a.rr = a.cc = a.rc = a.maxabs = a.maxrel = 0;
}

__device__ __forceinline__ void fold_value(Side &s, double x) {
    if (isfinite(x)) {
        s.min = jmin(s.min, x);
        s.max = jmax(s.max, x);
        s.sum += x;
        s.sumsq = fma(x, x, s.sumsq);
    }
}

/** Image block maxima: a thread's run of consecutive elements walks the layout without dividing. */
struct ImageRun {
    long long next;           // flat index the state below describes; -1: none
    long long tile, row, col;  // position in the tile grid
    long long pixel_base;      // first pixel of this element row
    long long px, sub;         // pixel column, and column within that pixel
    long long pixel;           // pending pixel; -1: none
    unsigned long long bits;   // its pending maximum

    __device__ void init() {
        next = -1;
        pixel = -1;
    }

    __device__ void flush(const ld_image &g) {
        if (pixel < 0) return;
        unsigned long long *p = (unsigned long long *)g.pixels + pixel;
        if ((long long)bits > *(volatile long long *)p) atomicMax((long long *)p, (long long)bits);
        pixel = -1;
    }

    __device__ void locate(const ld_image &g, long long idx) {
        long long tile_size = g.tile_rows * g.tile_cols;
        tile = idx / tile_size;
        long long within = idx - tile * tile_size;
        row = within / g.tile_cols;
        col = within - row * g.tile_cols;
        row_start(g);
    }

    __device__ void row_start(const ld_image &g) {
        long long tx = tile % g.tiles_x, ty = tile / g.tiles_x;
        pixel_base = ((ty * g.tile_rows + row) / g.rows_per_pixel) * g.width;
        long long full_col = tx * g.tile_cols + col;
        px = full_col / g.cols_per_pixel;
        sub = full_col - px * g.cols_per_pixel;
    }

    __device__ void add(const ld_image &g, long long idx, double key) {
        if (idx != next) locate(g, idx);
        long long p = pixel_base + px;
        unsigned long long b = (unsigned long long)__double_as_longlong(key);
        if (p != pixel) {
            flush(g);
            pixel = p;
            bits = b;
        } else if (b > bits) {
            bits = b;
        }
        // Step to idx + 1.
        next = idx + 1;
        if (++col == g.tile_cols) {
            col = 0;
            if (++row == g.tile_rows) {
                row = 0;
                tile++;
            }
            row_start(g);
        } else if (++sub == g.cols_per_pixel) {
            sub = 0;
            px++;
        }
    }
};

/** ScalarKernel.compareBlock for one pair (nothing for !valid). */
template <bool IMAGE>
__device__ __forceinline__ void fold_pair(double x, double y, long long idx, bool valid, Partial &a, const Params &p,
                                          unsigned *hr, unsigned *hc, unsigned *hd, ImageRun &img) {
    bool equal = x == y;
    // Same infinities are equal, so their "difference" is 0 rather than IEEE's NaN.
    double a_all = equal ? 0.0 : fabs(y - x);
    if (!valid) return;
    count(hr, code_of(x));
    count(hc, code_of(y));
    count(hd, code_of(a_all));
    fold_value(a.r, x);
    fold_value(a.c, y);
    if (isfinite(x) && isfinite(y)) {
        double d = y - x;
        double ad = fabs(d);
        a.finite++;
        a.sumabs += ad;
        a.sumsq = fma(d, d, a.sumsq);
        a.rr = fma(x, x, a.rr);
        a.cc = fma(y, y, a.cc);
        a.rc = fma(x, y, a.rc);
        if (ad > a.maxabs || a.maxidx < 0) {
            a.maxabs = ad;
            a.maxidx = idx;
        }
        double ax = fabs(x);
        // The exact sign of ad - maxrel * ax (one rounding) says whether ad / ax can exceed maxrel, so the
        // division runs only for new maxima.
        if (x != 0 && fma(-a.maxrel, ax, ad) >= 0) a.maxrel = fmax(a.maxrel, __ddiv_rn(ad, ax));
        double tol = __dadd_rn(p.atol, __dmul_rn(p.rtol, ax));
        if (!equal && ad > tol) a.mism++;
    } else if (!equal && !(p.equal_nan && x != x && y != y)) {
        a.mism++;
    }
    if (IMAGE) img.add(p.image, idx, a_all < INFINITY ? a_all : INFINITY);
}

__device__ __forceinline__ unsigned short swap16(unsigned short v) { return (unsigned short)((v >> 8) | (v << 8)); }
__device__ __forceinline__ unsigned swap32(unsigned v) { return __byte_perm(v, 0, 0x0123); }
__device__ __forceinline__ unsigned long long swap64(unsigned long long v) {
    return ((unsigned long long)swap32((unsigned)v) << 32) | swap32((unsigned)(v >> 32));
}

__device__ __forceinline__ double half_bits(unsigned short h) { return (double)__half2float(__ushort_as_half(h)); }
__device__ __forceinline__ double bf16_bits(unsigned short h) { return (double)__uint_as_float((unsigned)h << 16); }

/** Decoders.decode for one element of any type. */
__device__ double decode(const unsigned char *base, int type, int swap, long long i) {
    switch (type) {
        case LD_DT_FLOAT64: {
            unsigned long long b = ((const unsigned long long *)base)[i];
            return __longlong_as_double((long long)(swap ? swap64(b) : b));
        }
        case LD_DT_FLOAT32: {
            unsigned b = ((const unsigned *)base)[i];
            return (double)__uint_as_float(swap ? swap32(b) : b);
        }
        case LD_DT_FLOAT16: {
            unsigned short b = ((const unsigned short *)base)[i];
            return half_bits(swap ? swap16(b) : b);
        }
        case LD_DT_BFLOAT16: {
            unsigned short b = ((const unsigned short *)base)[i];
            return bf16_bits(swap ? swap16(b) : b);
        }
        case LD_DT_FLOAT8_E4M3FN: {
            unsigned b = base[i];
            int exp = (b >> 3) & 0xF, mant = b & 7;
            double v;
            if (exp == 0xF && mant == 7) v = NAN;
            else if (exp == 0) v = ldexp((double)mant, -9);
            else v = ldexp((double)(mant | 8), exp - 10);
            return (b & 0x80) ? -v : v;
        }
        case LD_DT_FLOAT8_E5M2: return half_bits((unsigned short)(base[i] << 8));
        case LD_DT_FLOAT8_E8M0FNU: {
            unsigned b = base[i];
            return b == 0xFF ? NAN : ldexp(1.0, (int)b - 127);
        }
        case LD_DT_INT64: {
            unsigned long long b = ((const unsigned long long *)base)[i];
            return __ll2double_rn((long long)(swap ? swap64(b) : b));
        }
        case LD_DT_UINT64: {
            unsigned long long b = ((const unsigned long long *)base)[i];
            return __ull2double_rn(swap ? swap64(b) : b);
        }
        case LD_DT_INT32: {
            unsigned b = ((const unsigned *)base)[i];
            return (double)(int)(swap ? swap32(b) : b);
        }
        case LD_DT_UINT32: {
            unsigned b = ((const unsigned *)base)[i];
            return (double)(swap ? swap32(b) : b);
        }
        case LD_DT_INT16: {
            unsigned short b = ((const unsigned short *)base)[i];
            return (double)(short)(swap ? swap16(b) : b);
        }
        case LD_DT_UINT16: {
            unsigned short b = ((const unsigned short *)base)[i];
            return (double)(swap ? swap16(b) : b);
        }
        case LD_DT_INT8: return (double)(signed char)base[i];
        case LD_DT_UINT8: return (double)base[i];
        default: return base[i] != 0 ? 1.0 : 0.0;  // LD_DT_BOOL
    }
}

/** Elements per group: one 16-byte (float32) or 8-byte (16-bit types) load per side on the fast paths. */
template <int L> struct Group { static constexpr int N = 4; };

/** Loads group g's elements of one side; a group past n (or an element, on the generic path) reads nothing. */
template <int L>
__device__ __forceinline__ void load(const unsigned char *base, int type, int swap, long long g, long long n,
                                     bool valid, double *v) {
    constexpr int G = Group<L>::N;
    if (!valid) {
#pragma unroll
        for (int k = 0; k < G; k++) v[k] = 0;
        return;
    }
    if (L == L_F32) {
        float4 q = __ldg((const float4 *)base + g);
        v[0] = q.x;
        v[1] = q.y;
        v[2] = q.z;
        v[3] = q.w;
    } else if (L == L_F16 || L == L_BF16) {
        uint2 q = __ldg((const uint2 *)base + g);
        unsigned w[2] = {q.x, q.y};
#pragma unroll
        for (int k = 0; k < 2; k++) {
            unsigned short lo = (unsigned short)(w[k] & 0xFFFF), hi = (unsigned short)(w[k] >> 16);
            v[2 * k] = L == L_F16 ? half_bits(lo) : bf16_bits(lo);
            v[2 * k + 1] = L == L_F16 ? half_bits(hi) : bf16_bits(hi);
        }
    } else {
#pragma unroll
        for (int k = 0; k < G; k++) {
            long long i = g * G + k;
            v[k] = i < n ? decode(base, type, swap, i) : 0;
        }
    }
}

/** Sums a block's per-thread partials in a fixed order (warp shuffles, then warps in order). */
__device__ __forceinline__ void merge_side(Side &a, const Side &b) {
    a.min = jmin(a.min, b.min);
    a.max = jmax(a.max, b.max);
    a.sum += b.sum;
    a.sumsq += b.sumsq;
}

/** PairPartial.merge: b holds later elements than a (ties in max_abs keep the smaller index either way). */
__device__ __forceinline__ void merge(Partial &a, const Partial &b) {
    merge_side(a.r, b.r);
    merge_side(a.c, b.c);
    a.finite += b.finite;
    a.mism += b.mism;
    a.sumabs += b.sumabs;
    a.sumsq += b.sumsq;
    a.rr += b.rr;
    a.cc += b.cc;
    a.rc += b.rc;
    if (b.maxidx >= 0 && (a.maxidx < 0 || b.maxabs > a.maxabs || (b.maxabs == a.maxabs && b.maxidx < a.maxidx))) {
        a.maxabs = b.maxabs;
        a.maxidx = b.maxidx;
    }
    a.maxrel = fmax(a.maxrel, b.maxrel);
}

__device__ __forceinline__ double shfl(double v, int d) { return __shfl_down_sync(0xffffffffu, v, d); }
__device__ __forceinline__ long long shfl(long long v, int d) { return __shfl_down_sync(0xffffffffu, v, d); }

__device__ Partial shfl(const Partial &a, int d) {
    Partial b;
    b.r.min = shfl(a.r.min, d); b.r.max = shfl(a.r.max, d); b.r.sum = shfl(a.r.sum, d); b.r.sumsq = shfl(a.r.sumsq, d);
    b.c.min = shfl(a.c.min, d); b.c.max = shfl(a.c.max, d); b.c.sum = shfl(a.c.sum, d); b.c.sumsq = shfl(a.c.sumsq, d);
    b.finite = shfl(a.finite, d); b.mism = shfl(a.mism, d); b.maxidx = shfl(a.maxidx, d);
    b.sumabs = shfl(a.sumabs, d); b.sumsq = shfl(a.sumsq, d); b.rr = shfl(a.rr, d); b.cc = shfl(a.cc, d);
    b.rc = shfl(a.rc, d); b.maxabs = shfl(a.maxabs, d); b.maxrel = shfl(a.maxrel, d);
    return b;
}

/** Reduces the block's partials into thread 0's. */
__device__ void reduce_block(Partial &a, Partial *scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    for (int d = 16; d > 0; d >>= 1) {
        Partial b = shfl(a, d);
        if (lane + d < 32) merge(a, b);
    }
    if (lane == 0) scratch[warp] = a;
    __syncthreads();
    if (threadIdx.x == 0) {
        for (int w = 1; w < blockDim.x / 32; w++) merge(a, scratch[w]);
    }
}

/** Adds the block's shared histograms (every copy) to this launch's totals. */
__device__ void publish_histograms(unsigned (*sh)[COPIES][HSTRIDE], int hists, unsigned long long *hist) {
    __syncthreads();
    for (int i = threadIdx.x; i < hists * LD_CODES; i += blockDim.x) {
        int h = i / LD_CODES, code = i - h * LD_CODES;
        unsigned total = 0;
#pragma unroll
        for (int c = 0; c < COPIES; c++) total += sh[h][c][code];
        if (total) atomicAdd(&hist[i], (unsigned long long)total);
    }
}

/** Dynamic shared memory of compare_kernel: three histograms of COPIES copies (49 KB, over the 48 KB that
 *  a block gets without asking: see allow_histograms). */
constexpr int COMPARE_SMEM = 3 * COPIES * HSTRIDE * sizeof(unsigned);

// Three blocks per multiprocessor (24 warps; two with an image, which needs more registers): the kernel is latency-bound at two (measured with ncu on the
// H100: 25% occupancy, issue slots 59% busy, stalls on fixed-latency FP64 dependencies).
template <int L, bool IMAGE>
__global__ void __launch_bounds__(THREADS, IMAGE ? 2 : 3) compare_kernel(Params p) {
    extern __shared__ unsigned smem[];
    unsigned (*sh)[COPIES][HSTRIDE] = reinterpret_cast<unsigned (*)[COPIES][HSTRIDE]>(smem);
    __shared__ Partial scratch[WARPS];
    for (int i = threadIdx.x; i < 3 * COPIES * HSTRIDE; i += THREADS) smem[i] = 0;
    __syncthreads();
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    unsigned *hr = sh[0][lane % COPIES], *hc = sh[1][lane % COPIES], *hd = sh[2][lane % COPIES];
    constexpr int G = Group<L>::N;

    Partial a;
    init(a);
    ImageRun img;
    img.init();
    // Fast paths take whole groups and leave the tail (< G elements) to one warp's generic pass.
    const long long groups = L == L_GENERIC ? (p.n + G - 1) / G : p.n / G;
    const long long stride = (long long)gridDim.x * THREADS;
    // The loop is uniform across a warp (every lane runs every iteration), as __match_any_sync needs.
    for (long long base = (long long)blockIdx.x * THREADS + warp * 32; base < groups; base += stride) {
        long long g = base + lane;
        bool valid = g < groups;
        double x[G], y[G];
        load<L>(p.ref, p.ref_type, p.ref_swap, g, p.n, valid, x);
        load<L>(p.cand, p.cand_type, p.cand_swap, g, p.n, valid, y);
#pragma unroll
        for (int k = 0; k < G; k++) {
            long long i = g * G + k;
            fold_pair<IMAGE>(x[k], y[k], p.first + i, valid && i < p.n, a, p, hr, hc, hd, img);
        }
    }
    if (L != L_GENERIC && blockIdx.x == 0 && warp == 0) {
        long long i = groups * G + lane;
        bool valid = i < p.n;
        double x = valid ? decode(p.ref, p.ref_type, p.ref_swap, i) : 0;
        double y = valid ? decode(p.cand, p.cand_type, p.cand_swap, i) : 0;
        fold_pair<IMAGE>(x, y, p.first + i, valid, a, p, hr, hc, hd, img);
    }
    if (IMAGE) img.flush(p.image);

    publish_histograms(sh, 3, p.hist);
    reduce_block(a, scratch);
    if (threadIdx.x == 0) p.partials[blockIdx.x] = a;
}

template <int L>
__global__ void __launch_bounds__(THREADS) summarize_kernel(Params p) {
    __shared__ unsigned sh[1][COPIES][HSTRIDE];  // static: 16.7 KB
    __shared__ Partial scratch[WARPS];
    for (int i = threadIdx.x; i < COPIES * HSTRIDE; i += THREADS) (&sh[0][0][0])[i] = 0;
    __syncthreads();
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    unsigned *hr = sh[0][lane % COPIES];
    constexpr int G = Group<L>::N;

    Partial a;
    init(a);
    const long long groups = L == L_GENERIC ? (p.n + G - 1) / G : p.n / G;
    const long long stride = (long long)gridDim.x * THREADS;
    for (long long base = (long long)blockIdx.x * THREADS + warp * 32; base < groups; base += stride) {
        long long g = base + lane;
        bool valid = g < groups;
        double x[G];
        load<L>(p.ref, p.ref_type, p.ref_swap, g, p.n, valid, x);
#pragma unroll
        for (int k = 0; k < G; k++) {
            bool v = valid && g * G + k < p.n;
            if (v) {
                count(hr, code_of(x[k]));
                fold_value(a.r, x[k]);
            }
        }
    }
    if (L != L_GENERIC && blockIdx.x == 0 && warp == 0) {
        long long i = groups * G + lane;
        bool valid = i < p.n;
        double x = valid ? decode(p.ref, p.ref_type, p.ref_swap, i) : 0;
        if (valid) {
            count(hr, code_of(x));
            fold_value(a.r, x);
        }
    }
    publish_histograms(sh, 1, p.hist);
    reduce_block(a, scratch);
    if (threadIdx.x == 0) p.partials[blockIdx.x] = a;
}

/** Folds the grid's block partials (in block order, per thread, then a fixed tree) into one ld_pair. */
__global__ void __launch_bounds__(THREADS) finalize_kernel(const Partial *partials, int blocks,
                                                           const unsigned long long *hist, long long n, int pair,
                                                           ld_pair *out) {
    __shared__ Partial scratch[WARPS];
    Partial a;
    init(a);
    for (int b = threadIdx.x; b < blocks; b += THREADS) merge(a, partials[b]);
    reduce_block(a, scratch);
    for (int i = threadIdx.x; i < LD_CODES; i += THREADS) {
        out->ref.hist[i] = (int64_t)hist[i];
        out->cand.hist[i] = pair ? (int64_t)hist[LD_CODES + i] : 0;
        out->diff_hist[i] = pair ? (int64_t)hist[2 * LD_CODES + i] : 0;
    }
    if (threadIdx.x != 0) return;
    out->ref.count = n;
    out->ref.min = a.r.min;
    out->ref.max = a.r.max;
    out->ref.sum = a.r.sum;
    out->ref.sum_sq = a.r.sumsq;
    out->cand.count = pair ? n : 0;
    out->cand.min = pair ? a.c.min : INFINITY;
    out->cand.max = pair ? a.c.max : -INFINITY;
    out->cand.sum = a.c.sum;
    out->cand.sum_sq = a.c.sumsq;
    out->finite_pairs = a.finite;
    out->mismatched = a.mism;
    out->max_abs_index = a.maxidx;
    out->sum_abs = a.sumabs;
    out->sum_sq = a.sumsq;
    out->sum_rr = a.rr;
    out->sum_cc = a.cc;
    out->sum_rc = a.rc;
    out->max_abs = a.maxabs;
    out->max_rel = a.maxrel;
}

struct Lane {
    int device = 0;
    int max_blocks = 0;
    int64_t bytes = 0;
    char *h_ref = nullptr, *h_cand = nullptr;
    unsigned char *d_ref = nullptr, *d_cand = nullptr;
    Partial *d_partials = nullptr;
    unsigned long long *d_hist = nullptr;
    ld_pair *d_result = nullptr, *h_result = nullptr;
    cudaStream_t stream = nullptr;
    cudaEvent_t done = nullptr;
};

Lane *lane_of_handle(int64_t h) { return reinterpret_cast<Lane *>(static_cast<intptr_t>(h)); }

void release(Lane *s) {
    cudaSetDevice(s->device);
    if (s->stream) cudaStreamSynchronize(s->stream);
    cudaFreeHost(s->h_ref);
    cudaFreeHost(s->h_cand);
    cudaFreeHost(s->h_result);
    cudaFree(s->d_ref);
    cudaFree(s->d_cand);
    cudaFree(s->d_partials);
    cudaFree(s->d_hist);
    cudaFree(s->d_result);
    if (s->done) cudaEventDestroy(s->done);
    if (s->stream) cudaStreamDestroy(s->stream);
    delete s;
}

bool fast_type(int type, int swap, int64_t address, int L) {
    if (swap || (address & (L == L_F32 ? 15 : 7)) != 0) return false;
    return (L == L_F32 && type == LD_DT_FLOAT32) || (L == L_F16 && type == LD_DT_FLOAT16) || (L == L_BF16 && type == LD_DT_BFLOAT16);
}

int load_kind(int rt, int rs, int64_t ra, int ct, int cs, int64_t ca) {
    for (int L : {L_F32, L_F16, L_BF16}) {
        if (fast_type(rt, rs, ra, L) && fast_type(ct, cs, ca, L)) return L;
    }
    return L_GENERIC;
}

int element_size(int type) {
    switch (type) {
        case LD_DT_FLOAT64: case LD_DT_INT64: case LD_DT_UINT64: return 8;
        case LD_DT_FLOAT32: case LD_DT_INT32: case LD_DT_UINT32: return 4;
        case LD_DT_FLOAT16: case LD_DT_BFLOAT16: case LD_DT_INT16: case LD_DT_UINT16: return 2;
        default: return 1;
    }
}

int grid_for(const Lane *s, long long groups) {
    long long want = (groups + THREADS - 1) / THREADS;
    if (want < 1) want = 1;
    return (int)(want < s->max_blocks ? want : s->max_blocks);
}

/** Lets compare_kernel<L, IMAGE> have COMPARE_SMEM bytes of dynamic shared memory (once per process and
 *  kernel: the attribute holds for every device of the context). */
template <int L, bool IMAGE>
cudaError_t allow_histograms() {
    static cudaError_t done = [] {
        cudaError_t e = cudaFuncSetAttribute(compare_kernel<L, IMAGE>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                             COMPARE_SMEM);
        if (e != cudaSuccess) return e;
        // As much shared memory as the multiprocessor has, so that three blocks' histograms fit.
        return cudaFuncSetAttribute(compare_kernel<L, IMAGE>, cudaFuncAttributePreferredSharedMemoryCarveout,
                                    (int)cudaSharedmemCarveoutMaxShared);
    }();
    return done;
}

template <int L>
cudaError_t launch_compare(const Lane *s, const Params &p, int blocks) {
    cudaError_t e = p.image.pixels ? allow_histograms<L, true>() : allow_histograms<L, false>();
    if (e != cudaSuccess) return e;
    if (p.image.pixels) compare_kernel<L, true><<<blocks, THREADS, COMPARE_SMEM, s->stream>>>(p);
    else compare_kernel<L, false><<<blocks, THREADS, COMPARE_SMEM, s->stream>>>(p);
    return cudaGetLastError();
}

int enqueue_compare(Lane *s, const unsigned char *ref, int rt, int rs, const unsigned char *cand, int ct, int cs,
                    int64_t n, int64_t first, double rtol, double atol, int equal_nan, const ld_image *image) {
    cudaError_t e = cudaSetDevice(s->device);
    if (e != cudaSuccess) return e;
    Params p{};
    p.ref = ref;
    p.cand = cand;
    p.ref_type = rt;
    p.ref_swap = rs;
    p.cand_type = ct;
    p.cand_swap = cs;
    p.n = n;
    p.first = first;
    p.rtol = rtol;
    p.atol = atol;
    p.equal_nan = equal_nan;
    p.partials = s->d_partials;
    p.hist = s->d_hist;
    if (image) p.image = *image;
    int L = load_kind(rt, rs, (int64_t)(intptr_t)ref, ct, cs, (int64_t)(intptr_t)cand);
    long long groups = L == L_GENERIC ? (n + 3) / 4 : n / 4;
    int blocks = grid_for(s, groups);
    if ((e = cudaMemsetAsync(s->d_hist, 0, 3 * LD_CODES * sizeof(unsigned long long), s->stream)) != cudaSuccess) return e;
    switch (L) {
        case L_F32: e = launch_compare<L_F32>(s, p, blocks); break;
        case L_F16: e = launch_compare<L_F16>(s, p, blocks); break;
        case L_BF16: e = launch_compare<L_BF16>(s, p, blocks); break;
        default: e = launch_compare<L_GENERIC>(s, p, blocks); break;
    }
    if (e != cudaSuccess) return e;
    finalize_kernel<<<1, THREADS, 0, s->stream>>>(s->d_partials, blocks, s->d_hist, n, 1, s->d_result);
    if ((e = cudaGetLastError()) != cudaSuccess) return e;
    if ((e = cudaMemcpyAsync(s->h_result, s->d_result, sizeof(ld_pair), cudaMemcpyDeviceToHost, s->stream)) != cudaSuccess) return e;
    return cudaEventRecord(s->done, s->stream);
}

}  // namespace

extern "C" {

int ld_cuda_device_count(void) {
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    return e == cudaSuccess ? n : -(int)e;
}

const char *ld_cuda_error_string(int error) {
    static thread_local char buf[256];
    cudaError_t e = (cudaError_t)error;
    snprintf(buf, sizeof buf, "%s: %s", cudaGetErrorName(e), cudaGetErrorString(e));
    return buf;
}

int ld_cuda_runtime_version(void) {
    int v = 0;
    return cudaRuntimeGetVersion(&v) == cudaSuccess ? v : 0;
}

int ld_cuda_driver_version(void) {
    int v = 0;
    return cudaDriverGetVersion(&v) == cudaSuccess ? v : 0;
}

int ld_cuda_device_info(int device, char *name, int name_len, int64_t *memory, int *capability, int *sms) {
    cudaDeviceProp prop;
    cudaError_t e = cudaGetDeviceProperties(&prop, device);
    if (e != cudaSuccess) return e;
    if (name && name_len > 0) {
        strncpy(name, prop.name, (size_t)name_len - 1);
        name[name_len - 1] = 0;
    }
    *memory = (int64_t)prop.totalGlobalMem;
    *capability = prop.major * 10 + prop.minor;
    *sms = prop.multiProcessorCount;
    return 0;
}

int64_t ld_cuda_pair_size(void) { return (int64_t)sizeof(ld_pair); }

int ld_cuda_lane_create(int device, int64_t bytes, int64_t *handle) {
    *handle = 0;
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return e;
    Lane *s = new Lane();
    s->device = device;
    s->bytes = bytes;
    int sms = 0, per_sm = 0;
    if ((e = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device)) != cudaSuccess) goto fail;
    if ((e = allow_histograms<L_F32, false>()) != cudaSuccess) goto fail;
    if ((e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, compare_kernel<L_F32, false>, THREADS,
                                                           COMPARE_SMEM)) != cudaSuccess) goto fail;
    if (per_sm < 1) per_sm = 1;
    s->max_blocks = sms * (per_sm < MAX_BLOCKS_PER_SM ? per_sm : MAX_BLOCKS_PER_SM);
    if ((e = cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking)) != cudaSuccess) goto fail;
    if ((e = cudaEventCreateWithFlags(&s->done, cudaEventDisableTiming)) != cudaSuccess) goto fail;
    if (bytes > 0) {
        if ((e = cudaHostAlloc((void **)&s->h_ref, (size_t)bytes, cudaHostAllocDefault)) != cudaSuccess) goto fail;
        if ((e = cudaHostAlloc((void **)&s->h_cand, (size_t)bytes, cudaHostAllocDefault)) != cudaSuccess) goto fail;
        if ((e = cudaMalloc((void **)&s->d_ref, (size_t)bytes)) != cudaSuccess) goto fail;
        if ((e = cudaMalloc((void **)&s->d_cand, (size_t)bytes)) != cudaSuccess) goto fail;
    }
    if ((e = cudaHostAlloc((void **)&s->h_result, sizeof(ld_pair), cudaHostAllocDefault)) != cudaSuccess) goto fail;
    if ((e = cudaMalloc((void **)&s->d_result, sizeof(ld_pair))) != cudaSuccess) goto fail;
    if ((e = cudaMalloc((void **)&s->d_partials, sizeof(Partial) * (size_t)s->max_blocks)) != cudaSuccess) goto fail;
    if ((e = cudaMalloc((void **)&s->d_hist, 3 * LD_CODES * sizeof(unsigned long long))) != cudaSuccess) goto fail;
    *handle = (int64_t)(intptr_t)s;
    return 0;
fail:
    release(s);
    return e;
}

void ld_cuda_lane_destroy(int64_t lane) {
    if (lane) release(lane_of_handle(lane));
}

void *ld_cuda_lane_stream(int64_t lane) {
    return lane ? static_cast<void *>(lane_of_handle(lane)->stream) : nullptr;
}

char *ld_cuda_lane_host(int64_t lane, int side) {
    Lane *s = lane_of_handle(lane);
    return side == 0 ? s->h_ref : s->h_cand;
}

char *ld_cuda_lane_result(int64_t lane) { return (char *)lane_of_handle(lane)->h_result; }

int ld_cuda_lane_compare(int64_t lane, int ref_type, int ref_swap, int64_t ref_bytes, int cand_type, int cand_swap,
                         int64_t cand_bytes, int64_t n, int64_t first_index, double rtol, double atol, int equal_nan,
                         const ld_image *image) {
    Lane *s = lane_of_handle(lane);
    if (ref_bytes > s->bytes || cand_bytes > s->bytes || ref_bytes < n * element_size(ref_type)
        || cand_bytes < n * element_size(cand_type)) {
        return cudaErrorInvalidValue;
    }
    cudaError_t e = cudaSetDevice(s->device);
    if (e != cudaSuccess) return e;
    if ((e = cudaMemcpyAsync(s->d_ref, s->h_ref, (size_t)ref_bytes, cudaMemcpyHostToDevice, s->stream)) != cudaSuccess) return e;
    if ((e = cudaMemcpyAsync(s->d_cand, s->h_cand, (size_t)cand_bytes, cudaMemcpyHostToDevice, s->stream)) != cudaSuccess) return e;
    return enqueue_compare(s, s->d_ref, ref_type, ref_swap, s->d_cand, cand_type, cand_swap, n, first_index, rtol, atol,
                           equal_nan, image);
}

int ld_cuda_lane_compare_device(int64_t lane, int64_t ref, int ref_type, int ref_swap, int64_t cand, int cand_type,
                                int cand_swap, int64_t n, int64_t first_index, double rtol, double atol,
                                int equal_nan, const ld_image *image) {
    if (ref % element_size(ref_type) != 0 || cand % element_size(cand_type) != 0) return cudaErrorMisalignedAddress;
    return enqueue_compare(lane_of_handle(lane), (const unsigned char *)(intptr_t)ref, ref_type, ref_swap,
                           (const unsigned char *)(intptr_t)cand, cand_type, cand_swap, n, first_index, rtol, atol,
                           equal_nan, image);
}

int ld_cuda_lane_summarize(int64_t lane, int type, int swap, int64_t bytes, int64_t n) {
    Lane *s = lane_of_handle(lane);
    if (bytes > s->bytes || bytes < n * element_size(type)) return cudaErrorInvalidValue;
    cudaError_t e = cudaSetDevice(s->device);
    if (e != cudaSuccess) return e;
    if ((e = cudaMemcpyAsync(s->d_ref, s->h_ref, (size_t)bytes, cudaMemcpyHostToDevice, s->stream)) != cudaSuccess) return e;
    Params p{};
    p.ref = s->d_ref;
    p.ref_type = type;
    p.ref_swap = swap;
    p.n = n;
    p.partials = s->d_partials;
    p.hist = s->d_hist;
    int L = load_kind(type, swap, (int64_t)(intptr_t)s->d_ref, type, swap, (int64_t)(intptr_t)s->d_ref);
    long long groups = L == L_GENERIC ? (n + 3) / 4 : n / 4;
    int blocks = grid_for(s, groups);
    if ((e = cudaMemsetAsync(s->d_hist, 0, 3 * LD_CODES * sizeof(unsigned long long), s->stream)) != cudaSuccess) return e;
    switch (L) {
        case L_F32: summarize_kernel<L_F32><<<blocks, THREADS, 0, s->stream>>>(p); break;
        case L_F16: summarize_kernel<L_F16><<<blocks, THREADS, 0, s->stream>>>(p); break;
        case L_BF16: summarize_kernel<L_BF16><<<blocks, THREADS, 0, s->stream>>>(p); break;
        default: summarize_kernel<L_GENERIC><<<blocks, THREADS, 0, s->stream>>>(p); break;
    }
    if ((e = cudaGetLastError()) != cudaSuccess) return e;
    finalize_kernel<<<1, THREADS, 0, s->stream>>>(s->d_partials, blocks, s->d_hist, n, 0, s->d_result);
    if ((e = cudaGetLastError()) != cudaSuccess) return e;
    if ((e = cudaMemcpyAsync(s->h_result, s->d_result, sizeof(ld_pair), cudaMemcpyDeviceToHost, s->stream)) != cudaSuccess) return e;
    return cudaEventRecord(s->done, s->stream);
}

int ld_cuda_lane_wait(int64_t lane) {
    Lane *s = lane_of_handle(lane);
    return cudaEventSynchronize(s->done);
}

int ld_cuda_malloc(int device, int64_t bytes, int64_t *ptr) {
    *ptr = 0;
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return e;
    void *p = nullptr;
    e = cudaMalloc(&p, (size_t)bytes);
    if (e == cudaSuccess) *ptr = (int64_t)(intptr_t)p;
    return e;
}

int ld_cuda_free(int64_t ptr) { return cudaFree((void *)(intptr_t)ptr); }

int ld_cuda_memset(int64_t ptr, int value, int64_t bytes) { return cudaMemset((void *)(intptr_t)ptr, value, (size_t)bytes); }

int ld_cuda_upload(int64_t dst, const void *src, int64_t bytes) {
    return cudaMemcpy((void *)(intptr_t)dst, src, (size_t)bytes, cudaMemcpyHostToDevice);
}

int ld_cuda_download(void *dst, int64_t src, int64_t bytes) {
    return cudaMemcpy(dst, (const void *)(intptr_t)src, (size_t)bytes, cudaMemcpyDeviceToHost);
}

}  // extern "C"
