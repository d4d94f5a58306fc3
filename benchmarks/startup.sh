#!/usr/bin/env bash
# Start-up of a whole `layerdiff compare` process against a bare `java -version`, as wall-clock times of
# N runs each (default 20), interleaved so that a noisy neighbour hits both alike. Prints median, mean
# and min in seconds, and the ratio of the medians.
#   benchmarks/startup.sh [LAUNCHER] [N]      (LAUNCHER default ./layerdiff, run from the repository root)
set -euo pipefail
launcher="${1:-./layerdiff}"
n="${2:-20}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
ref=examples/cnn_ref_cpu.safetensors
cand=examples/cnn_bug_deadrelu.safetensors

now() { date +%s.%N; }
# One warm-up of each (page cache, a first-run class-data archive).
"$java" -version >/dev/null 2>&1
"$launcher" compare "$ref" "$cand" --quiet >/dev/null 2>&1 || true
: >"${TMPDIR:-/tmp}/startup.java.$$"; : >"${TMPDIR:-/tmp}/startup.ld.$$"
trap 'rm -f "${TMPDIR:-/tmp}/startup.java.$$" "${TMPDIR:-/tmp}/startup.ld.$$"' EXIT
for _ in $(seq "$n"); do
  t0=$(now); "$java" -version >/dev/null 2>&1; t1=$(now)
  echo "$t1 - $t0" | bc >>"${TMPDIR:-/tmp}/startup.java.$$"
  t0=$(now); "$launcher" compare "$ref" "$cand" --quiet >/dev/null 2>&1 || [ $? -eq 1 ]; t1=$(now)
  echo "$t1 - $t0" | bc >>"${TMPDIR:-/tmp}/startup.ld.$$"
done
summary() { sort -n "$1" | awk '{a[NR]=$1; s+=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f %.3f %.3f\n", m, s/NR, a[1]}'; }
read -r jm jmean jmin < <(summary "${TMPDIR:-/tmp}/startup.java.$$")
read -r lm lmean lmin < <(summary "${TMPDIR:-/tmp}/startup.ld.$$")
printf '%-34s %8s %8s %8s\n' "" median mean min
printf '%-34s %8s %8s %8s\n' "java -version" "$jm" "$jmean" "$jmin"
printf '%-34s %8s %8s %8s\n' "$launcher compare (2 x 0.78 MB)" "$lm" "$lmean" "$lmin"
echo "ratio of medians: $(echo "scale=1; $lm / $jm" | bc)"
