#!/bin/bash
# Builds layerdiff's native libraries into cppbuild/<platform>/lib, where the JavaCPP Maven plugin
# links its JNI glue against them (see the javacpp plugin in pom.xml). Run by Maven at `initialize`;
# by hand: ./cppbuild.sh [platform].
set -eu

PLATFORM=${1:-${PLATFORM:-linux-x86_64}}
ROOT=$(cd "$(dirname "$0")" && pwd)
OUT="$ROOT/cppbuild/$PLATFORM"
SRC="$ROOT/src/main/native"
mkdir -p "$OUT/lib" "$OUT/obj"

case "$PLATFORM" in
    linux-x86_64)
        CC=${CC:-gcc}
        # -ffp-contract=off: the kernel's tolerance test must round like every other backend's
        # (multiply, then add; never fused). AVX2/FMA/F16C are checked at run time (ld_cpu_supported, cpu_probe.c).
        "$CC" -std=c11 -O3 -fPIC -mavx2 -mfma -mf16c -ffp-contract=off -Wall -Wextra -Werror \
            -c "$SRC/cpu/layerdiff_cpu.c" -o "$OUT/obj/layerdiff_cpu.o"
        # The probe must run on CPUs without AVX2, so it is compiled for plain x86-64.
        "$CC" -std=c11 -O2 -fPIC -Wall -Wextra -Werror -c "$SRC/cpu/cpu_probe.c" -o "$OUT/obj/cpu_probe.o"
        rm -f "$OUT/lib/liblayerdiff_cpu.a"
        ar rcs "$OUT/lib/liblayerdiff_cpu.a" "$OUT/obj/layerdiff_cpu.o" "$OUT/obj/cpu_probe.o"
        ;;
    *)
        echo "cppbuild.sh: no native build for platform $PLATFORM (only linux-x86_64)" >&2
        exit 1
        ;;
esac
echo "cppbuild.sh: built $OUT/lib/liblayerdiff_cpu.a" >&2
