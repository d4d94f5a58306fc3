#!/bin/bash
# Builds the benchmarks' CUDA timers (native/cuda_timers.cu) into cppbuild/<platform>/lib/
# liblayerdiff_cuda_timers.a, where the JavaCPP Maven plugin links the JNI glue of
# dev.layerdiff.benchmarks.CudaTimers against it and against the production kernels' own static library
# (../cppbuild/<platform>/lib/liblayerdiff_cuda.a, built by the project's cppbuild.sh). Run by Maven at `initialize` where
# nvcc is (the `cuda-timers` profile of pom.xml); by hand: ./cppbuild.sh [platform].
# LAYERDIFF_CUDA_ARCHS overrides the target GPUs, as for the project's own cppbuild.sh.
set -eu

PLATFORM=${1:-${PLATFORM:-linux-x86_64}}
ROOT=$(cd "$(dirname "$0")" && pwd)
OUT="$ROOT/cppbuild/$PLATFORM"
mkdir -p "$OUT/lib" "$OUT/obj"

case "$PLATFORM" in
    linux-x86_64)
        CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
        LIB="$OUT/lib/liblayerdiff_cuda_timers.a"
        ARCHS=${LAYERDIFF_CUDA_ARCHS:-75 80 86 89 90}
        if [ ! -x "$CUDA_HOME/bin/nvcc" ]; then
            echo "cppbuild.sh: no $CUDA_HOME/bin/nvcc: cannot build the CUDA timers" >&2
            exit 1
        fi
        SOURCES=("$ROOT/native" "$ROOT/../src/main/native/cuda" "$ROOT/../src/main/native/include")
        if [ -f "$LIB" ] && [ "$(cat "$OUT/obj/cuda.archs" 2>/dev/null)" = "$ARCHS" ] \
           && [ -z "$(find "${SOURCES[@]}" "$0" -newer "$LIB" -print -quit)" ]; then
            echo "cppbuild.sh: $LIB is up to date ($ARCHS)" >&2
            exit 0
        fi
        rm -f "$LIB"
        GENCODE=()
        for a in $ARCHS; do GENCODE+=(-gencode "arch=compute_$a,code=sm_$a"); done
        LAST=${ARCHS##* }
        GENCODE+=(-gencode "arch=compute_$LAST,code=compute_$LAST")
        # The production kernels come linked from their own library: the timed code is the same code.
        "$CUDA_HOME/bin/nvcc" -std=c++17 -O3 -Xcompiler -fPIC -fmad=false "${GENCODE[@]}" \
            -I"$ROOT/../src/main/native/include" -c "$ROOT/native/cuda_timers.cu" -o "$OUT/obj/cuda_timers.o"
        ar rcs "$LIB" "$OUT/obj/cuda_timers.o"
        echo "$ARCHS" > "$OUT/obj/cuda.archs"
        echo "cppbuild.sh: built $LIB ($ARCHS)" >&2
        ;;
    *)
        echo "cppbuild.sh: no CUDA timers for platform $PLATFORM (only linux-x86_64)" >&2
        exit 1
        ;;
esac
