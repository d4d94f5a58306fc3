/*
 * The native kernel alone, without the JVM: maps two safetensors files (MAP_POPULATE, so page faults
 * are not timed), splits their tensor bytes over T threads, and times (1) a fused read (an AVX2 sum of
 * both files: the machine's limit) and (2) ld_compare over the same bytes in 2 Mi-element calls, as
 * the CPU backend chunks. Treats everything after the header as float32 (the benchmark archives are).
 *
 *   gcc -O3 -mavx2 -mfma -mf16c -ffp-contract=off -I../../src/main/native/cpu \
 *       kernel_bench.c ../../src/main/native/cpu/layerdiff_cpu.c ../../src/main/native/cpu/cpu_probe.c \
 *       -o kernel_bench -lpthread -lm
 *   ./kernel_bench REF.safetensors CAND.safetensors 2
 */
#define _GNU_SOURCE
#include "layerdiff_cpu.h"

#include <fcntl.h>
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#define CALL (1L << 21)

typedef struct {
    const float *r, *c;
    long n;
    int64_t mismatched;
    double sum;
} job;

static void *compare(void *p) {
    job *j = p;
    void *scratch = calloc(1, (size_t) ld_scratch_size());
    ld_pair out;
    j->mismatched = 0;
    for (long off = 0; off < j->n; off += CALL) {
        long len = j->n - off < CALL ? j->n - off : CALL;
        ld_compare(j->r + off, LD_F32, j->c + off, LD_F32, len, off, 1.3e-6, 1e-5, 0, &out, scratch, NULL);
        j->mismatched += out.mismatched;
    }
    free(scratch);
    return NULL;
}

static void *fused_read(void *p) {
    job *j = p;
    __m256 a = _mm256_setzero_ps(), b = a;
    for (long i = 0; i + 8 <= j->n; i += 8) {
        a = _mm256_add_ps(a, _mm256_loadu_ps(j->r + i));
        b = _mm256_add_ps(b, _mm256_loadu_ps(j->c + i));
    }
    float t[8];
    _mm256_storeu_ps(t, _mm256_add_ps(a, b));
    j->sum = t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
    return NULL;
}

static const float *map_tensors(const char *path, long *n) {
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        exit(2);
    }
    char *p = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) {
        perror(path);
        exit(2);
    }
    uint64_t header;
    memcpy(&header, p, 8);
    long off = 8 + (long) header;
    *n = (st.st_size - off) / 4;
    return (const float *) (p + off);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s REF.safetensors CAND.safetensors THREADS\n", argv[0]);
        return 2;
    }
    long n, m;
    const float *r = map_tensors(argv[1], &n), *c = map_tensors(argv[2], &m);
    int threads = atoi(argv[3]);
    if (m < n) n = m;
    if (threads < 1 || threads > 64) threads = 1;
    long per = (n / threads) & ~2047L;
    printf("ld_cpu_supported=%d, %d threads, %.2f GB per pass\n", ld_cpu_supported(), threads,
           8.0 * per * threads / 1e9);
    for (int mode = 0; mode < 2; mode++) {
        for (int it = 0; it < 5; it++) {
            job jobs[64];
            pthread_t th[64];
            double t0 = now();
            for (int k = 0; k < threads; k++) {
                jobs[k] = (job) {r + k * per, c + k * per, per, 0, 0};
                pthread_create(&th[k], NULL, mode ? compare : fused_read, &jobs[k]);
            }
            int64_t mismatched = 0;
            for (int k = 0; k < threads; k++) {
                pthread_join(th[k], NULL);
                mismatched += jobs[k].mismatched;
            }
            double dt = now() - t0;
            printf("%-10s %.3f s  %6.2f GB/s  (mismatched %lld)\n", mode ? "ld_compare" : "fused read", dt,
                   8.0 * per * threads / dt / 1e9, (long long) mismatched);
        }
    }
    return 0;
}
