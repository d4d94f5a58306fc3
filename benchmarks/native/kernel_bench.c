/*
 * The native kernel alone, without the JVM: maps two safetensors files, splits their tensor bytes over
 * T threads, and times (1) a fused read (an AVX2 sum of both files: the machine's limit) and (2)
 * ld_compare over the same bytes in 2 Mi-element calls, as the CPU backend chunks. Treats everything
 * after the header as float32 (the benchmark archives are).
 *
 * Two ways to map, because the page faults cost as much as a third of the read:
 *   populated  (default) map once with MAP_POPULATE: page faults are not timed, every pass reads
 *              mapped memory (the kernel's own speed);
 *   fresh      map before each pass and unmap after it, as a program that reads the files once does
 *              (the "C loop reading both files"): the pass includes the page faults, and the
 *              unmapping is timed on its own.
 *
 *   gcc -O3 -mavx2 -mfma -mf16c -ffp-contract=off -I../../src/main/native/include \
 *       kernel_bench.c ../../src/main/native/cpu/layerdiff_cpu.c ../../src/main/native/cpu/cpu_probe.c \
 *       ../../src/main/native/cpu/fault_guard.c \
 *       -o kernel_bench -lpthread -lm
 *   ./kernel_bench REF.safetensors CAND.safetensors 2 [populated|fresh]
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
#include <unistd.h>

#define CALL (1L << 21)
#define PASSES 5

typedef struct {
    const float *r, *c;
    long n;
    int64_t mismatched;
    double sum;
} job;

typedef struct {
    int fd;
    size_t size;
    char *base;
    long offset;   /* of the tensor data */
} mapping;

static void *compare(void *p) {
    job *j = p;
    void *scratch = calloc(1, (size_t) ld_scratch_size());
    ld_pair out;
    j->mismatched = 0;
    for (long off = 0; off < j->n; off += CALL) {
        long len = j->n - off < CALL ? j->n - off : CALL;
        ld_compare(j->r + off, LD_DT_FLOAT32, j->c + off, LD_DT_FLOAT32, len, off, 1.3e-6, 1e-5, 0, &out, scratch, NULL);
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

static mapping open_archive(const char *path) {
    mapping m;
    struct stat st;
    m.fd = open(path, O_RDONLY);
    if (m.fd < 0 || fstat(m.fd, &st) != 0) {
        perror(path);
        exit(2);
    }
    m.size = (size_t) st.st_size;
    uint64_t header;
    if (pread(m.fd, &header, 8, 0) != 8 || header > m.size - 8) {
        fprintf(stderr, "%s: not a safetensors file\n", path);
        exit(2);
    }
    m.offset = 8 + (long) header;
    m.base = NULL;
    return m;
}

static const float *map_tensors(mapping *m, int populate) {
    m->base = mmap(NULL, m->size, PROT_READ, MAP_SHARED | (populate ? MAP_POPULATE : 0), m->fd, 0);
    if (m->base == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    return (const float *) (m->base + m->offset);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "fresh") != 0 && strcmp(argv[4], "populated") != 0)) {
        fprintf(stderr, "usage: %s REF.safetensors CAND.safetensors THREADS [populated|fresh]\n", argv[0]);
        return 2;
    }
    int fresh = argc == 5 && strcmp(argv[4], "fresh") == 0;
    mapping mr = open_archive(argv[1]), mc = open_archive(argv[2]);
    long n = (long) (mr.size - mr.offset) / 4, m = (long) (mc.size - mc.offset) / 4;
    int threads = atoi(argv[3]);
    if (m < n) n = m;
    if (threads < 1 || threads > 64) threads = 1;
    long per = (n / threads) & ~2047L;
    double gb = 8.0 * per * threads / 1e9;
    printf("ld_cpu_supported=%d, %d threads, %.2f GB per pass, %s mappings\n", ld_cpu_supported(), threads, gb,
           fresh ? "fresh" : "populated");
    const float *r = NULL, *c = NULL;
    if (!fresh) {
        r = map_tensors(&mr, 1);
        c = map_tensors(&mc, 1);
    }
    for (int mode = 0; mode < 2; mode++) {
        for (int it = 0; it < PASSES; it++) {
            if (fresh) {
                r = map_tensors(&mr, 0);
                c = map_tensors(&mc, 0);
            }
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
            printf("%-10s %.3f s  %6.2f GB/s", mode ? "ld_compare" : "fused read", dt, gb / dt);
            if (fresh) {
                double u0 = now();
                munmap(mr.base, mr.size);
                munmap(mc.base, mc.size);
                double du = now() - u0;
                printf("   unmap %.3f s, with it %6.2f GB/s", du, gb / (dt + du));
            }
            printf("  (mismatched %lld)\n", (long long) mismatched);
        }
    }
    return 0;
}
