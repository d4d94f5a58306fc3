/*
 * layerdiff's native CPU kernel (AVX2 + FMA + F16C). The semantics are those of the Java reference
 * kernel, dev.layerdiff.engine.ScalarKernel, element for element: counts, histograms, min, max,
 * max_abs (and its first index) and max_rel are bit-identical; sums differ only in the order of
 * additions (4 double lanes per accumulator), within CompareBackend.SUM_RELATIVE_TOLERANCE.
 *
 * Why it is fast: one pass over memory, in blocks of BLOCK pairs that stay in L1 while two vector
 * loops run over them. Blocks without NaN or infinity (nearly all) take the vector loops; a block with
 * one, and the last n % 8 pairs, take a scalar loop that is a transcription of
 * ScalarKernel.compareBlock.
 *  - Pass 1 (8 float lanes): raw keys (sign and exponent bits; one shift, mapped to clamped bins once
 *    per call), min, max, and, because two floats of one sign and binade differ by an exact float,
 *    everything about d in float: |d|, its bin, the block's largest |d| and the max_rel test.
 *  - Pass 2 (4 double lanes): the sums, and the tolerance test where the block's largest |d| makes
 *    one possible. A pair whose two keys agree (the usual case, ref ~ cand) is counted once in a joint
 *    (value key, |d| bin) table whose row sums are both value histograms and whose column sums are the
 *    |d| one; those scalar counts (a load and a store each, the largest cost left) interleave with
 *    this pass's vector arithmetic. The few pairs whose keys differ are counted apart, one by one,
 *    with their d in double (count_disagreeing).
 * benchmarks/README.md has the measurements.
 *
 * Compiled with -mavx2 -mfma -mf16c (ld_cpu_supported lives in cpu_probe.c, compiled without them, so
 * that asking works on any x86-64 CPU) and with -ffp-contract=off: the tolerance atol + rtol * |ref|
 * must round like every other backend's (multiply, then add), so the compiler must not fuse it.
 *
 * The entry points read their input under fault_guard.c's SIGBUS guard: a mapped file that shrinks
 * while it is read makes them return LD_FAULT instead of killing the JVM.
 */
#define _POSIX_C_SOURCE 200809L /* sigsetjmp */
#include "layerdiff_cpu.h"
#include "fault_guard.h"

#include <immintrin.h>
#include <float.h>
#include <math.h>
#include <string.h>

#define BLOCK 2048
/* Calls shorter than this count per histogram: the joint table's flush scans 512 KB. */
#define JOINT_MIN 65536
#define KEYS 512          /* raw float keys: sign and exponent bits, bits >> 23 */
#define DBINS LD_BINS     /* |d| bins; |d| = 0 is counted in bin 0 and moved to LD_ZERO at the flush */
#define JCOPY (KEYS * DBINS)
/* The joint table's two copies (runs of one cell would serialize on store-to-load forwarding; four
 * copies measured slower) lie a cache line further apart than the table, or they would share L1 sets. */
#define JSTRIDE (JCOPY + 16)

/* Caller-owned (Java allocates it, direct and zeroed); left zeroed by every call. */
typedef struct ld_scratch {
    uint32_t joint[2 * JSTRIDE];
    uint32_t key_r[KEYS], key_c[KEYS], dbin[DBINS];
    float rbuf[BLOCK], cbuf[BLOCK];
    uint32_t jidx[BLOCK];
} ld_scratch;

int64_t ld_scratch_size(void) { return (int64_t) sizeof(ld_scratch); }

int64_t ld_pair_size(void) { return (int64_t) sizeof(ld_pair); }


/* ---- Java's Math.min / Math.max for non-NaN doubles: -0.0 sorts below 0.0. ---- */

static inline double jmin(double a, double b) {
    if (a == b) return signbit(a) ? a : b;
    return a < b ? a : b;
}

static inline double jmax(double a, double b) {
    if (a == b) return signbit(a) ? b : a;
    return a > b ? a : b;
}

_Static_assert(LD_NEGATIVE == 1 << 7, "code_of puts the sign at bit 7 of a bin's code");

/* BinCounts.codeOf: the histogram code of a double. */
static inline int code_of(double x) {
    uint64_t bits;
    memcpy(&bits, &x, 8);
    uint64_t abs = bits & 0x7FFFFFFFFFFFFFFFULL;
    int sign = (int) (bits >> 63);
    int e = (int) (abs >> 52);
    if (e == 0x7FF) return abs == 0x7FF0000000000000ULL ? LD_POS_INF + sign : LD_NAN;
    if (abs == 0) return LD_ZERO;
    int bin = e - (1023 + LD_MIN_EXPONENT);
    bin = bin < 0 ? 0 : bin > LD_BINS - 1 ? LD_BINS - 1 : bin;
    return bin | (sign << 7);
}

/* Running state of one call, beyond what lives in *out. */
typedef struct state {
    ld_pair *out;
    double rtol, atol;
    int equal_nan, joint;
    /* vector-path accumulators, reduced once at the end */
    __m256d rsum, rsq, csum, csq, src, sabs, ssq;
    __m256i mism;
    __m256 rmin, rmax, cmin, cmax;
    __m256i dzero;                               /* pairs with |d| = 0 */
    int64_t vec_pairs;
} state;

/* ---- The scalar path: ScalarKernel.sideBlock and compareBlock, transcribed. ---- */

static inline void side_add(ld_side *s, double x) {
    s->hist[code_of(x)]++;
    if (isfinite(x)) {
        s->min = jmin(s->min, x);
        s->max = jmax(s->max, x);
        s->sum += x;
        s->sum_sq += x * x;
    }
}

static void scalar_pairs(state *st, const float *r, const float *c, int from, int to, int64_t index0,
                         double *keys) {
    ld_pair *o = st->out;
    const double rtol = st->rtol, atol = st->atol;
    for (int i = from; i < to; i++) {
        double x = r[i], y = c[i];
        side_add(&o->ref, x);
        side_add(&o->cand, y);
        int equal = x == y;
        double a = equal ? 0 : fabs(y - x);
        o->diff_hist[code_of(a)]++;
        if (keys) keys[i] = a < INFINITY ? a : INFINITY;
        if (isfinite(x) && isfinite(y)) {
            double d = y - x;
            double ad = fabs(d);
            o->finite_pairs++;
            o->sum_abs += ad;
            o->sum_sq += d * d;
            o->sum_rr += x * x;
            o->sum_cc += y * y;
            o->sum_rc += x * y;
            if (ad > o->max_abs || o->max_abs_index < 0) {
                o->max_abs = ad;
                o->max_abs_index = index0 + i;
            }
            if (x != 0) o->max_rel = fmax(o->max_rel, ad / fabs(x));
            double tol = atol + rtol * fabs(x);
            if (!equal && ad > tol) o->mismatched++;
        } else if (!equal && !(st->equal_nan && x != x && y != y)) {
            o->mismatched++;
        }
    }
    o->ref.count += to - from;
    o->cand.count += to - from;
}

/* ---- The vector path. ---- */

static inline double hsum(__m256d v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

static inline int64_t hsum_epi64(__m256i v) {
    int64_t t[4];
    _mm256_storeu_si256((__m256i *) t, v);
    return t[0] + t[1] + t[2] + t[3];
}

static inline int64_t hsum_epi32(__m256i v) {
    int32_t t[8];
    _mm256_storeu_si256((__m256i *) t, v);
    int64_t s = 0;
    for (int i = 0; i < 8; i++) s += t[i];
    return s;
}

/* The raw keys of 8 floats (bits, and bits << 1, which drops the sign): sign and exponent bits, with
 * zeros moved to the exponent-255 keys (free in a block without NaN or infinity). */
static inline __m256i keys_of(__m256i bits, __m256i bits2) {
    return _mm256_xor_si256(_mm256_srli_epi32(bits, 23),
                            _mm256_srli_epi32(_mm256_cmpeq_epi32(bits2, _mm256_setzero_si256()), 24));
}

/* keys_of for one float. */
static inline uint32_t key_of(const float *x) {
    uint32_t bits;
    memcpy(&bits, x, 4);
    return (bits >> 23) ^ ((bits << 1) == 0 ? 255 : 0);
}

/*
 * Pass 2: the double sums, the pairs' joint (value key, |d| bin) counts, which pass 1 found, and, when
 * test_tol (the block's largest |d| exceeds atol; tol = atol + rtol * |r| >= atol, as rounding is
 * monotone, so other blocks have no mismatch), the tolerance test. Scalar counting on the load/store
 * ports interleaves with the vector arithmetic here instead of taking a loop of its own.
 */
static inline void sums_pass(state *st, const float *r, const float *c, int len, const uint32_t *jidx,
                             uint32_t *joint, double *keys, const int test_tol) {
    const __m256d zero = _mm256_setzero_pd();
    const __m256d absmask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7FFFFFFFFFFFFFFFLL));
    const __m256d vrtol = _mm256_set1_pd(st->rtol), vatol = _mm256_set1_pd(st->atol);
    __m256d rsum = zero, rsq = zero, csum = zero, csq = zero, src = zero, sabs = zero, ssq = zero;
    __m256i mism = _mm256_setzero_si256();
    uint32_t *joint1 = joint ? joint + JSTRIDE : NULL;
    for (int i = 0; i < len; i += 8) {
        __m256d r0 = _mm256_cvtps_pd(_mm_loadu_ps(r + i)), r1 = _mm256_cvtps_pd(_mm_loadu_ps(r + i + 4));
        __m256d c0 = _mm256_cvtps_pd(_mm_loadu_ps(c + i)), c1 = _mm256_cvtps_pd(_mm_loadu_ps(c + i + 4));
        rsum = _mm256_add_pd(_mm256_add_pd(rsum, r0), r1);
        csum = _mm256_add_pd(_mm256_add_pd(csum, c0), c1);
        rsq = _mm256_fmadd_pd(r1, r1, _mm256_fmadd_pd(r0, r0, rsq));
        csq = _mm256_fmadd_pd(c1, c1, _mm256_fmadd_pd(c0, c0, csq));
        src = _mm256_fmadd_pd(r1, c1, _mm256_fmadd_pd(r0, c0, src));
        __m256d a0 = _mm256_and_pd(_mm256_sub_pd(c0, r0), absmask);
        __m256d a1 = _mm256_and_pd(_mm256_sub_pd(c1, r1), absmask);
        sabs = _mm256_add_pd(_mm256_add_pd(sabs, a0), a1);
        ssq = _mm256_fmadd_pd(a1, a1, _mm256_fmadd_pd(a0, a0, ssq));
        if (test_tol) {
            /* multiply, then add: never fused (see the file comment) */
            __m256d tol0 = _mm256_add_pd(_mm256_mul_pd(_mm256_and_pd(r0, absmask), vrtol), vatol);
            __m256d tol1 = _mm256_add_pd(_mm256_mul_pd(_mm256_and_pd(r1, absmask), vrtol), vatol);
            mism = _mm256_sub_epi64(mism, _mm256_castpd_si256(_mm256_cmp_pd(a0, tol0, _CMP_GT_OQ)));
            mism = _mm256_sub_epi64(mism, _mm256_castpd_si256(_mm256_cmp_pd(a1, tol1, _CMP_GT_OQ)));
        }
        if (keys) {
            _mm256_storeu_pd(keys + i, a0);
            _mm256_storeu_pd(keys + i + 4, a1);
        }
        for (int k = 0; joint && k < 8; k += 2) {
            joint[jidx[i + k]]++;
            joint1[jidx[i + k + 1]]++;
        }
    }
    st->rsum = _mm256_add_pd(st->rsum, rsum);
    st->rsq = _mm256_add_pd(st->rsq, rsq);
    st->csum = _mm256_add_pd(st->csum, csum);
    st->csq = _mm256_add_pd(st->csq, csq);
    st->src = _mm256_add_pd(st->src, src);
    st->sabs = _mm256_add_pd(st->sabs, sabs);
    st->ssq = _mm256_add_pd(st->ssq, ssq);
    st->mism = _mm256_add_epi64(st->mism, mism);
}

/*
 * The pairs of a block whose two keys differ (a value crossing a power of two, a sign change, float32
 * against bfloat16 rounding): pass 1 gave them the joint table's unused cell (JCOPY, past every real
 * index) as their index, and their d in float may be rounded, so here they are counted apart and their
 * |d| taken in double, as ScalarKernel does. Returns the block's largest |d| with theirs. (Pass 1's
 * max_rel test holds for them as it is: a rounded float d is within 2^-24 of the exact one, well inside
 * the test's 2^-20 margin.)
 */
static double count_disagreeing(const float *r, const float *c, int len, ld_scratch *s, double bmax) {
    const __m256i unused = _mm256_set1_epi32(JCOPY);
    for (int g = 0; g < len; g += 8) {
        __m256i j = _mm256_loadu_si256((const __m256i *) (s->jidx + g));
        unsigned m = (unsigned) _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(j, unused)));
        for (; m != 0; m &= m - 1) {
            int i = g + __builtin_ctz(m);
            double x = r[i], y = c[i];
            double a = fabs(y - x);          /* 0 only for +0.0 against -0.0 */
            s->key_r[key_of(r + i)]++;
            s->key_c[key_of(c + i)]++;
            s->dbin[a == 0 ? 0 : code_of(a)]++;   /* |d| = 0 was counted with the zeros in pass 1 */
            bmax = fmax(bmax, a);
        }
    }
    return bmax;
}

/*
 * One block of len pairs (len % 8 == 0) with no NaN or infinity on either side; returns 0, having
 * changed nothing, if there is one.
 *
 * Pass 1 works on 8 float lanes: raw keys, min, max, and, for the pairs whose two sides have the same
 * key (sign and binary exponent; nearly all), everything about d. Two floats of one sign and binade
 * differ by an exactly representable float (Sterbenz), so there d = cand - ref in float is the double
 * difference ScalarKernel takes, and so are |d|, its bin and the block's maximum. A lane can raise the
 * running max_rel M only if |d| > M * |r|; with m <= M in float, rounding is monotone, so
 * fl(m * |r|) <= |d| for every such lane: testing |d| >= max(fl(m * |r|), 2^-149) misses none (the
 * floor keeps |d| = 0 from passing), and only blocks with such a lane compute the quotients. Pairs
 * whose keys differ are left out of the maximum and the joint counts and redone by count_disagreeing.
 */
static int vector_block(state *st, const float *r, const float *c, int len, int64_t index0,
                        ld_scratch *s, double *keys) {
    uint32_t *jidx = s->jidx;
    const __m256i izero = _mm256_setzero_si256();
    const __m256i k63 = _mm256_set1_epi32(127 + LD_MIN_EXPONENT), k127 = _mm256_set1_epi32(LD_BINS - 1);
    const __m256 fabsmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    const __m256 tiny = _mm256_castsi256_ps(_mm256_set1_epi32(1));
    /* m <= M: rounding to float takes at most 2^-24 relative, and a nonzero M is at least 2^-25 (two
     * floats that differ do so by more than 2^-25 of the larger), so no underflow; a huge M clamps */
    const __m256 relm = _mm256_set1_ps((float) fmin(st->out->max_rel * (1 - 0x1p-20), FLT_MAX));
    const __m256i unused = _mm256_set1_epi32(JCOPY);       /* the joint cell past the table */
    __m256i special = izero, agree = _mm256_set1_epi32(-1), dz = izero;
    __m256 rmin = _mm256_set1_ps(INFINITY), rmax = _mm256_set1_ps(-INFINITY), cmin = rmin, cmax = rmax;
    __m256 mxf = _mm256_setzero_ps(), relhitf = _mm256_setzero_ps();
    for (int i = 0; i < len; i += 8) {
        __m256 rv = _mm256_loadu_ps(r + i), cv = _mm256_loadu_ps(c + i);
        __m256i rb = _mm256_castps_si256(rv), cb = _mm256_castps_si256(cv);
        /* bits << 1 drops the sign: >= 0xFF000000 (unsigned) is NaN or Inf, 0 is a zero */
        __m256i r2 = _mm256_slli_epi32(rb, 1), c2 = _mm256_slli_epi32(cb, 1);
        special = _mm256_max_epu32(special, _mm256_max_epu32(r2, c2));
        __m256i rk = keys_of(rb, r2), ck = keys_of(cb, c2);
        __m256i same = _mm256_cmpeq_epi32(rk, ck);
        agree = _mm256_and_si256(agree, same);
        /* minps/maxps pick either zero on a tie of +0.0 and -0.0; the zero counts fix the sign later */
        rmin = _mm256_min_ps(rmin, rv);
        rmax = _mm256_max_ps(rmax, rv);
        cmin = _mm256_min_ps(cmin, cv);
        cmax = _mm256_max_ps(cmax, cv);
        /* d in float: exact where the keys agree (the other pairs are redone in double) */
        __m256 ad = _mm256_and_ps(_mm256_sub_ps(cv, rv), fabsmask);
        __m256i adb = _mm256_castps_si256(ad);
        mxf = _mm256_max_ps(mxf, _mm256_and_ps(ad, _mm256_castsi256_ps(same)));
        dz = _mm256_sub_epi32(dz, _mm256_cmpeq_epi32(adb, izero));
        /* bin of |d| as a double: float exponent - 63 (double exponent - 959), clamped to [0, 127] */
        __m256i dbin = _mm256_min_epi32(_mm256_subs_epu16(_mm256_srli_epi32(adb, 23), k63), k127);
        __m256 bound = _mm256_max_ps(_mm256_mul_ps(_mm256_and_ps(rv, fabsmask), relm), tiny);
        relhitf = _mm256_or_ps(relhitf, _mm256_cmp_ps(ad, bound, _CMP_GE_OQ));
        _mm256_storeu_si256((__m256i *) (jidx + i),
                            _mm256_blendv_epi8(unused, _mm256_or_si256(_mm256_slli_epi32(rk, 7), dbin), same));
    }
    if ((uint32_t) _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(
            _mm256_max_epu32(special, _mm256_set1_epi32((int) 0xFF000000)), special))) != 0) {
        return 0;
    }

    ld_pair *o = st->out;
    float t[8];
    _mm256_storeu_ps(t, mxf);
    float m = t[0];
    for (int l = 1; l < 8; l++) m = fmaxf(m, t[l]);
    double bmax = m;
    int relhit = _mm256_movemask_ps(relhitf) != 0;
    if (_mm256_movemask_ps(_mm256_castsi256_ps(agree)) != 0xFF) bmax = count_disagreeing(r, c, len, s, bmax);
    uint32_t *joint = st->joint ? s->joint : NULL;
    if (bmax > st->atol) {
        sums_pass(st, r, c, len, jidx, joint, keys, 1);
    } else {
        sums_pass(st, r, c, len, jidx, joint, keys, 0);
    }
    if (!st->joint) {
        /* short calls: the joint table's flush would cost more than it saves */
        for (int i = 0; i < len; i++) {
            if (jidx[i] == JCOPY) continue;
            s->key_r[jidx[i] >> 7]++;
            s->key_c[jidx[i] >> 7]++;
            s->dbin[jidx[i] & (DBINS - 1)]++;
        }
    }
    st->dzero = _mm256_add_epi32(st->dzero, dz);
    st->rmin = _mm256_min_ps(st->rmin, rmin);
    st->rmax = _mm256_max_ps(st->rmax, rmax);
    st->cmin = _mm256_min_ps(st->cmin, cmin);
    st->cmax = _mm256_max_ps(st->cmax, cmax);
    st->vec_pairs += len;

    const __m256d zero = _mm256_setzero_pd();
    const __m256d absmask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7FFFFFFFFFFFFFFFLL));
    /* max_abs: the first pair reaching the block's maximum, if that beats the running one */
    if (o->max_abs_index < 0 || bmax > o->max_abs) {
        for (int i = 0; i < len; i++) {
            if (fabs((double) c[i] - (double) r[i]) == bmax) {
                o->max_abs = bmax;
                o->max_abs_index = index0 + i;
                break;
            }
        }
    }
    if (relhit) {
        double t[4];
        __m256d m = _mm256_set1_pd(o->max_rel);
        for (int i = 0; i < len; i += 4) {
            __m256d rd = _mm256_cvtps_pd(_mm_loadu_ps(r + i)), cd = _mm256_cvtps_pd(_mm_loadu_ps(c + i));
            __m256d ad = _mm256_and_pd(_mm256_sub_pd(cd, rd), absmask);
            __m256d ra = _mm256_and_pd(rd, absmask);
            __m256d q = _mm256_and_pd(_mm256_div_pd(ad, ra), _mm256_cmp_pd(ra, zero, _CMP_GT_OQ));
            m = _mm256_max_pd(m, q);
        }
        _mm256_storeu_pd(t, m);
        o->max_rel = fmax(fmax(t[0], t[1]), fmax(t[2], t[3]));
    }
    return 1;
}

/*
 * Moves a side's key counts into its histogram codes. Keys 255 and 511 (exponent field 255) hold the
 * zeros, +0.0 and -0.0: the vector path never sees a NaN or infinity. Returns the count of -0.0 and
 * stores that of +0.0 in *pos_zeros.
 */
static int64_t flush_keys(uint32_t *keys, int64_t *hist, int64_t *pos_zeros) {
    *pos_zeros = keys[255];
    int64_t neg_zeros = keys[511];
    for (int k = 0; k < KEYS; k++) {
        if (keys[k] == 0) continue;
        int e = k & 255, sign = k >> 8;
        int bin = e - (127 + LD_MIN_EXPONENT);
        bin = bin < 0 ? 0 : bin > LD_BINS - 1 ? LD_BINS - 1 : bin;
        hist[e == 255 ? LD_ZERO : bin | (sign << 7)] += keys[k];
        keys[k] = 0;
    }
    return neg_zeros;
}

/* The min or max of 8 float lanes, a zero extreme signed as Math.min/max would (-0.0 < 0.0). */
static double lanes_min(__m256 v, int64_t neg_zeros) {
    float t[8];
    _mm256_storeu_ps(t, v);
    float m = t[0];
    for (int i = 1; i < 8; i++) m = fminf(m, t[i]);
    return m == 0 ? (neg_zeros > 0 ? -0.0 : 0.0) : m;
}

static double lanes_max(__m256 v, int64_t pos_zeros) {
    float t[8];
    _mm256_storeu_ps(t, v);
    float m = t[0];
    for (int i = 1; i < 8; i++) m = fmaxf(m, t[i]);
    return m == 0 ? (pos_zeros > 0 ? 0.0 : -0.0) : m;
}

static void flush(state *st, ld_scratch *s) {
    ld_pair *o = st->out;
    if (st->joint) {
        /* row sums to both sides' keys, column sums to the |d| bins; cleared as read */
        for (int k = 0; k < KEYS; k++) {
            uint32_t row = 0;
            for (int copy = 0; copy < 2 * JSTRIDE; copy += JSTRIDE) {
                uint32_t *cell = s->joint + copy + k * DBINS;
                for (int d = 0; d < DBINS; d += 8) {
                    __m256i v = _mm256_loadu_si256((const __m256i *) (cell + d));
                    if (_mm256_testz_si256(v, v)) continue;
                    for (int l = 0; l < 8; l++) {
                        row += cell[d + l];
                        s->dbin[d + l] += cell[d + l];
                    }
                    _mm256_storeu_si256((__m256i *) (cell + d), _mm256_setzero_si256());
                }
            }
            s->key_r[k] += row;
            s->key_c[k] += row;
        }
    }
    /* the cell past each copy's table holds the pairs count_disagreeing counted */
    s->joint[JCOPY] = s->joint[JSTRIDE + JCOPY] = 0;
    int64_t r_pos_zeros, c_pos_zeros;
    int64_t r_neg_zeros = flush_keys(s->key_r, o->ref.hist, &r_pos_zeros);
    int64_t c_neg_zeros = flush_keys(s->key_c, o->cand.hist, &c_pos_zeros);
    /* |d| = 0 was counted in bin 0 with the tiny differences */
    int64_t dz = hsum_epi32(st->dzero);
    for (int d = 0; d < DBINS; d++) o->diff_hist[d] += s->dbin[d];
    memset(s->dbin, 0, sizeof s->dbin);
    o->diff_hist[0] -= dz;
    o->diff_hist[LD_ZERO] += dz;

    if (st->vec_pairs == 0) return;
    double rsq = hsum(st->rsq), csq = hsum(st->csq);
    o->ref.sum += hsum(st->rsum);
    o->ref.sum_sq += rsq;
    o->cand.sum += hsum(st->csum);
    o->cand.sum_sq += csq;
    o->sum_rr += rsq;
    o->sum_cc += csq;
    o->sum_rc += hsum(st->src);
    o->sum_abs += hsum(st->sabs);
    o->sum_sq += hsum(st->ssq);
    o->mismatched += hsum_epi64(st->mism);
    o->finite_pairs += st->vec_pairs;
    o->ref.count += st->vec_pairs;
    o->cand.count += st->vec_pairs;

    o->ref.min = jmin(o->ref.min, lanes_min(st->rmin, r_neg_zeros));
    o->ref.max = jmax(o->ref.max, lanes_max(st->rmax, r_pos_zeros));
    o->cand.min = jmin(o->cand.min, lanes_min(st->cmin, c_neg_zeros));
    o->cand.max = jmax(o->cand.max, lanes_max(st->cmax, c_pos_zeros));
}

/* Widens a block of float16 or bfloat16 to float (exactly), or returns the float32 data itself. */
static const float *as_floats(const void *p, int type, int64_t off, int len, float *buf) {
    if (type == LD_DT_FLOAT32) return (const float *) p + off;
    const uint16_t *h = (const uint16_t *) p + off;
    int i = 0;
    if (type == LD_DT_FLOAT16) {
        for (; i + 8 <= len; i += 8) {
            _mm256_storeu_ps(buf + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (h + i))));
        }
        for (; i < len; i++) buf[i] = _cvtsh_ss(h[i]);
    } else {
        for (; i + 8 <= len; i += 8) {
            __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *) (h + i)));
            _mm256_storeu_si256((__m256i *) (buf + i), _mm256_slli_epi32(w, 16));
        }
        for (; i < len; i++) {
            uint32_t b = (uint32_t) h[i] << 16;
            memcpy(buf + i, &b, 4);
        }
    }
    return buf;
}

static void compare_pairs(const void *ref, int ref_type, const void *cand, int cand_type, int64_t n,
                          int64_t first_index, double rtol, double atol, int equal_nan, ld_pair *out,
                          void *scratch, double *keys) {
    ld_scratch *s = (ld_scratch *) scratch;
    memset(out, 0, sizeof *out);
    out->ref.min = out->cand.min = INFINITY;
    out->ref.max = out->cand.max = -INFINITY;
    out->max_abs_index = -1;
    state st;
    memset(&st, 0, sizeof st);
    st.out = out;
    st.rtol = rtol;
    st.atol = atol;
    st.equal_nan = equal_nan;
    st.joint = n >= JOINT_MIN;
    st.rmin = st.cmin = _mm256_set1_ps(INFINITY);
    st.rmax = st.cmax = _mm256_set1_ps(-INFINITY);
    const int vector_ok = rtol >= 0 && atol >= 0;
    for (int64_t off = 0; off < n; off += BLOCK) {
        int len = (int) (n - off < BLOCK ? n - off : BLOCK);
        const float *r = as_floats(ref, ref_type, off, len, s->rbuf);
        const float *c = as_floats(cand, cand_type, off, len, s->cbuf);
        int len8 = vector_ok ? len & ~7 : 0;
        double *k = keys ? keys + off : NULL;
        if (len8 > 0 && vector_block(&st, r, c, len8, first_index + off, s, k)) {
            scalar_pairs(&st, r, c, len8, len, first_index + off, k);
        } else {
            scalar_pairs(&st, r, c, 0, len, first_index + off, k);
        }
    }
    flush(&st, s);
}

/* ---- One side alone (stats, unpaired tensors). ---- */

/* A block of len values (len % 8 == 0) with no NaN or infinity; returns 0, having changed nothing, if
 * there is one. Keys, zeros and min/max as in vector_block's first pass. */
static int side_block(const float *v, int len, ld_scratch *s, __m256 *vmin, __m256 *vmax, __m256d *sum,
                      __m256d *sum_sq) {
    const __m256i izero = _mm256_setzero_si256();
    __m256i special = izero;
    __m256 lo = *vmin, hi = *vmax;
    uint32_t *keys = s->jidx;
    for (int i = 0; i < len; i += 8) {
        __m256 x = _mm256_loadu_ps(v + i);
        __m256i b = _mm256_castps_si256(x), b2 = _mm256_slli_epi32(b, 1);
        special = _mm256_max_epu32(special, b2);
        __m256i k = keys_of(b, b2);
        _mm256_storeu_si256((__m256i *) (keys + i), k);
        lo = _mm256_min_ps(lo, x);
        hi = _mm256_max_ps(hi, x);
    }
    if ((uint32_t) _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(
            _mm256_max_epu32(special, _mm256_set1_epi32((int) 0xFF000000)), special))) != 0) {
        return 0;
    }
    __m256d s0 = *sum, q0 = *sum_sq;
    for (int i = 0; i < len; i += 4) {
        __m256d x = _mm256_cvtps_pd(_mm_loadu_ps(v + i));
        s0 = _mm256_add_pd(s0, x);
        q0 = _mm256_fmadd_pd(x, x, q0);
    }
    /* four interleaved copies (in the joint table, unused here): runs of one key (zeros, a common
     * exponent) would otherwise serialize on store-to-load forwarding */
    uint32_t *h = s->joint;
    for (int i = 0; i < len; i += 4) {
        h[keys[i]]++;
        h[KEYS + keys[i + 1]]++;
        h[2 * KEYS + keys[i + 2]]++;
        h[3 * KEYS + keys[i + 3]]++;
    }
    *vmin = lo;
    *vmax = hi;
    *sum = s0;
    *sum_sq = q0;
    return 1;
}

static void summarize_side(const void *values, int type, int64_t n, ld_side *out, void *scratch) {
    ld_scratch *s = (ld_scratch *) scratch;
    memset(out, 0, sizeof *out);
    out->min = INFINITY;
    out->max = -INFINITY;
    __m256 vmin = _mm256_set1_ps(INFINITY), vmax = _mm256_set1_ps(-INFINITY);
    __m256d sum = _mm256_setzero_pd(), sum_sq = _mm256_setzero_pd();
    int64_t vec = 0;
    for (int64_t off = 0; off < n; off += BLOCK) {
        int len = (int) (n - off < BLOCK ? n - off : BLOCK);
        const float *v = as_floats(values, type, off, len, s->rbuf);
        int len8 = len & ~7, from = 0;
        if (len8 > 0 && side_block(v, len8, s, &vmin, &vmax, &sum, &sum_sq)) {
            vec += len8;
            from = len8;
        }
        for (int i = from; i < len; i++) side_add(out, v[i]);
        out->count += len - from;
    }
    for (int copy = 0; copy < 4; copy++) {
        for (int k = 0; k < KEYS; k++) s->key_r[k] += s->joint[copy * KEYS + k];
    }
    memset(s->joint, 0, 4 * KEYS * sizeof *s->joint);
    int64_t pos_zeros, neg_zeros = flush_keys(s->key_r, out->hist, &pos_zeros);
    if (vec == 0) return;
    out->count += vec;
    out->sum += hsum(sum);
    out->sum_sq += hsum(sum_sq);
    out->min = jmin(out->min, lanes_min(vmin, neg_zeros));
    out->max = jmax(out->max, lanes_max(vmax, pos_zeros));
}

/* ---- The entry points, guarded. ---- */

int ld_compare(const void *ref, int ref_type, const void *cand, int cand_type, int64_t n,
               int64_t first_index, double rtol, double atol, int equal_nan, ld_pair *out,
               void *scratch, double *keys) {
    sigjmp_buf jump;
    if (sigsetjmp(jump, 0) != 0) {
        /* abandoned mid-block: the scratch must be zeroed again for the next call */
        memset(scratch, 0, sizeof(ld_scratch));
        return LD_FAULT;
    }
    ld_guard_begin(&jump);
    compare_pairs(ref, ref_type, cand, cand_type, n, first_index, rtol, atol, equal_nan, out, scratch, keys);
    ld_guard_end();
    return 0;
}

int ld_summarize(const void *values, int type, int64_t n, ld_side *out, void *scratch) {
    sigjmp_buf jump;
    if (sigsetjmp(jump, 0) != 0) {
        memset(scratch, 0, sizeof(ld_scratch));
        return LD_FAULT;
    }
    ld_guard_begin(&jump);
    summarize_side(values, type, n, out, scratch);
    ld_guard_end();
    return 0;
}

/* splitmix64's step (TensorSketch.mix). */
static inline uint64_t sketch_mix(uint64_t x) {
    uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

#define SKETCH_SEED 0x6C61796572646966ULL

/* Elements per block: their hashes first (a loop the compiler can pipeline), then their adds. */
#define SKETCH_BLOCK 256

static void sketch_values(const void *values, int type, int64_t n, int64_t first, double *buckets, int k, double *dim0,
                          int ks0, int64_t inner0, double *dim1, int ks1, int64_t inner1, int64_t count1,
                          int64_t *hash_terms) {
    uint64_t terms = 0, k_mask = (uint64_t) k - 1, s0_mask = (uint64_t) ks0 - 1, s1_mask = (uint64_t) ks1 - 1;
    if (inner0 < 1) inner0 = 1;
    if (inner1 < 1) inner1 = 1;
    int64_t at0 = first % inner0, at1 = first % inner1, slice0 = first / inner0;
    int64_t slice1 = count1 > 0 ? (first / inner1) % count1 : 0;
    uint64_t h[SKETCH_BLOCK], bits[SKETCH_BLOCK];
    double x[SKETCH_BLOCK];
    for (int64_t start = 0; start < n; start += SKETCH_BLOCK) {
        int len = (int) (n - start < SKETCH_BLOCK ? n - start : SKETCH_BLOCK);
        for (int e = 0; e < len; e++) {
            int64_t i = start + e;
            if (type == LD_DT_FLOAT32) {
                uint32_t b;
                memcpy(&b, (const char *) values + 4 * i, 4);
                float f;
                memcpy(&f, &b, 4);
                bits[e] = b;
                x[e] = f;
            } else {
                uint16_t b;
                memcpy(&b, (const char *) values + 2 * i, 2);
                bits[e] = b;
                if (type == LD_DT_FLOAT16) {
                    x[e] = _cvtsh_ss(b);
                } else {
                    uint32_t w = (uint32_t) b << 16;
                    float f;
                    memcpy(&f, &w, 4);
                    x[e] = f;
                }
            }
        }
        for (int e = 0; e < len; e++) h[e] = sketch_mix((uint64_t) (first + start + e) ^ SKETCH_SEED);
        for (int e = 0; e < len; e++) terms += sketch_mix(bits[e] ^ h[e]);
        for (int e = 0; e < len; e++) {
            if (isfinite(x[e])) {
                /* The sign from h's top bit, by flipping x's sign bit: a branch on it would mispredict half the time. */
                uint64_t xb;
                memcpy(&xb, &x[e], 8);
                xb ^= h[e] & 0x8000000000000000ULL;
                double v;
                memcpy(&v, &xb, 8);
                buckets[h[e] & k_mask] += v;
                uint32_t slot = (uint32_t) (h[e] >> 32);
                if (dim0) dim0[slice0 * ks0 + (slot & s0_mask)] += v;
                if (dim1) dim1[slice1 * ks1 + (slot & s1_mask)] += v;
            }
            if (++at1 == inner1) {
                at1 = 0;
                if (++slice1 == count1) slice1 = 0;
            }
            if (++at0 == inner0) {
                at0 = 0;
                slice0++;
            }
        }
    }
    *hash_terms += (int64_t) terms;
}

int ld_sketch(const void *values, int type, int64_t n, int64_t first, double *buckets, int k, double *dim0, int ks0,
              int64_t inner0, double *dim1, int ks1, int64_t inner1, int64_t count1, int64_t *hash_terms) {
    if (type != LD_DT_FLOAT32 && type != LD_DT_FLOAT16 && type != LD_DT_BFLOAT16) return -1;
    sigjmp_buf jump;
    if (sigsetjmp(jump, 0) != 0) return LD_FAULT;
    ld_guard_begin(&jump);
    sketch_values(values, type, n, first, buckets, k, dim0, ks0, inner0, dim1, ks1, inner1, count1, hash_terms);
    ld_guard_end();
    return 0;
}
