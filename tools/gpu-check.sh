#!/usr/bin/env bash
# What runs on the GPU machine (the device tool), from the repository root with .devpack carried
# (benchmarks/README.md says how to pack it): the environment, the CUDA half of the tests, the README's
# comparison on CUDA, the GPU benchmarks and the PyTorch peer. Steps: any of env tests cli bench peer
# e2e ncu (default: all but e2e and ncu). Logs go to $OUT when set.
set -u
steps=${*:-env tests cli bench peer}
out=${OUT:-/tmp/layerdiff-gpu}
mkdir -p "$out"
java=".devpack/java -Xmx16g"
cp=".devpack/test-classes:src/test/resources:.devpack/lib/*"
fixtures=src/test/resources/fixtures
for step in $steps; do
  echo "=== $step"
  case $step in
    env)
      nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv
      $java -cp "$cp" dev.layerdiff.cli.Main doctor ;;
    tests)
      timeout 400 $java -cp "$cp" org.junit.platform.console.ConsoleLauncher execute --disable-banner \
        --details=summary --class-path "$cp" --select-package dev.layerdiff.engine.cuda \
        --select-class dev.layerdiff.engine.ScalarEquivalenceTest 2>&1 | tee "$out/tests.log" | tail -80 ;;
    cli)
      $java -cp "$cp" dev.layerdiff.cli.Main compare $fixtures/cnn_ref_cpu.safetensors $fixtures/cnn_bug_deadrelu.safetensors --device cuda
      echo "exit $?"
      $java -cp "$cp" dev.layerdiff.cli.Main compare $fixtures/tf_ref_cpu.pt $fixtures/tf_bug_gradbatch.pt --device cuda --quiet
      echo "exit $?"
      $java -cp "$cp" dev.layerdiff.cli.Main stats $fixtures/dtypes.safetensors --device cuda | head -8 ;;
    bench)
      timeout 300 $java -cp "$cp" dev.layerdiff.benchmarks.CudaBenchmark --gib 2 --skip-archives 2>&1 | tee "$out/bench.log" ;;
    e2e)
      timeout 500 $java -Dlayerdiff.bench.dir=/tmp/layerdiff-bench -Dlayerdiff.bench.gib=4 -cp "$cp" \
        dev.layerdiff.benchmarks.CudaBenchmark --gib 2 --formats ${E2E_FORMATS:-safetensors,npz,pt} 2>&1 | tee "$out/e2e.log" ;;
    ncu)
      ncu=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
      timeout 300 "$ncu" --target-processes all -k regex:compare_kernel -c 1 --section SpeedOfLight \
        --section WarpStateStats --section InstructionStats --section Occupancy --section ComputeWorkloadAnalysis \
        $java -cp "$cp" dev.layerdiff.benchmarks.CudaBenchmark --gib 1 --skip-archives 2>&1 | tee "$out/ncu.log" | grep -v "^#" | tail -90 ;;
    peer)
      for t in float32 float16 bfloat16; do timeout 120 python3 benchmarks/peer/torch_layer_stats.py --gib 2 --dtype $t; done 2>&1 | tee "$out/peer.log" ;;
  esac
done
