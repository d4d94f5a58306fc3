/*
 * Whether this CPU can run the kernel. Compiled without -mavx2 (unlike layerdiff_cpu.c), so calling it
 * is safe on any x86-64 CPU.
 */
#include "layerdiff_cpu.h"

int ld_cpu_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}
