#!/bin/bash
# Builds layerdiff's native libraries into cppbuild/<platform>/lib, where the JavaCPP Maven plugin
# links its JNI glue against them (see the javacpp plugin in pom.xml). Run by Maven at `initialize`;
# by hand: ./cppbuild.sh [platform].
#   liblayerdiff_cpu.a   the AVX2 CPU kernel (gcc)
#   liblayerdiff_cuda.a  the CUDA kernels (nvcc from $CUDA_HOME, default /usr/local/cuda; skipped with a
#                        note when there is none). LAYERDIFF_CUDA_ARCHS overrides the target GPUs
#                        (default: 75 80 86 89 90, i.e. T4, A100, RTX 30xx, RTX 40xx/L4, H100; plus PTX).
set -eu

PLATFORM=${1:-${PLATFORM:-linux-x86_64}}
ROOT=$(cd "$(dirname "$0")" && pwd)
OUT="$ROOT/cppbuild/$PLATFORM"
SRC="$ROOT/src/main/native"
INCLUDE="$SRC/include"
mkdir -p "$OUT/lib" "$OUT/obj"

case "$PLATFORM" in
    linux-x86_64)
        CC=${CC:-gcc}
        # -ffp-contract=off: the kernel's tolerance test must round like every other backend's
        # (multiply, then add; never fused). AVX2/FMA/F16C are checked at run time (ld_cpu_supported, cpu_probe.c).
        "$CC" -std=c11 -O3 -fPIC -mavx2 -mfma -mf16c -ffp-contract=off -Wall -Wextra -Werror \
            -I"$INCLUDE" -c "$SRC/cpu/layerdiff_cpu.c" -o "$OUT/obj/layerdiff_cpu.o"
        # The probe must run on CPUs without AVX2, so it is compiled for plain x86-64.
        "$CC" -std=c11 -O2 -fPIC -Wall -Wextra -Werror -I"$INCLUDE" -c "$SRC/cpu/cpu_probe.c" -o "$OUT/obj/cpu_probe.o"
        # The SIGBUS guard of the kernel's reads (a mapped file that shrinks while being read).
        "$CC" -std=c11 -O2 -fPIC -Wall -Wextra -Werror -I"$INCLUDE" -c "$SRC/cpu/fault_guard.c" -o "$OUT/obj/fault_guard.o"
        rm -f "$OUT/lib/liblayerdiff_cpu.a"
        ar rcs "$OUT/lib/liblayerdiff_cpu.a" "$OUT/obj/layerdiff_cpu.o" "$OUT/obj/cpu_probe.o" "$OUT/obj/fault_guard.o"
        echo "cppbuild.sh: built $OUT/lib/liblayerdiff_cpu.a" >&2

        CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
        LIB="$OUT/lib/liblayerdiff_cuda.a"
        ARCHS=${LAYERDIFF_CUDA_ARCHS:-75 80 86 89 90}
        if [ ! -x "$CUDA_HOME/bin/nvcc" ]; then
            rm -f "$LIB"
            echo "cppbuild.sh: no $CUDA_HOME/bin/nvcc: building without the CUDA kernels" >&2
            exit 0
        fi
        # nvcc takes half a minute for five architectures: skip it when nothing changed.
        if [ -f "$LIB" ] && [ "$(cat "$OUT/obj/cuda.archs" 2>/dev/null)" = "$ARCHS" ] \
           && [ -z "$(find "$SRC/cuda" "$INCLUDE" "$0" -newer "$LIB" -print -quit)" ]; then
            echo "cppbuild.sh: $LIB is up to date ($ARCHS)" >&2
            exit 0
        fi
        rm -f "$LIB"
        GENCODE=()
        for a in $ARCHS; do GENCODE+=(-gencode "arch=compute_$a,code=sm_$a"); done
        LAST=${ARCHS##* }
        GENCODE+=(-gencode "arch=compute_$LAST,code=compute_$LAST")
        # -fmad=false: the tolerance test and the metrics round like every other backend's; the sums
        # that may fuse say so with fma().
        "$CUDA_HOME/bin/nvcc" -std=c++17 -O3 -Xcompiler -fPIC -fmad=false "${GENCODE[@]}" \
            -I"$INCLUDE" -c "$SRC/cuda/layerdiff_cuda.cu" -o "$OUT/obj/layerdiff_cuda.o"
        ar rcs "$LIB" "$OUT/obj/layerdiff_cuda.o"
        echo "$ARCHS" > "$OUT/obj/cuda.archs"
        echo "cppbuild.sh: built $LIB ($ARCHS)" >&2
        ;;
    *)
        echo "cppbuild.sh: no native build for platform $PLATFORM (only linux-x86_64)" >&2
        exit 1
        ;;
esac
