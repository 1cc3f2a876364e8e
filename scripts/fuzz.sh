#!/usr/bin/env bash
# Fuzzes the load stage (load_elf + derive_facts) with libFuzzer under AddressSanitizer and
# UndefinedBehaviorSanitizer. The target is built with clang in its own directory (build-fuzz),
# apart from the g++ builds; the seeds are the test fixtures. See docs/robustness.md.
#
#   scripts/fuzz.sh                 short, bounded run for CI: a fixed number of executions
#                                   (PORTCHECK_FUZZ_RUNS, default 400000: about a minute)
#   scripts/fuzz.sh --long [SECS]   for people: SECS seconds (default 3600) on every core, with a
#                                   corpus kept in build-fuzz/corpus from one run to the next
#   scripts/fuzz.sh --repro FILE    runs the target once on FILE (a crash artifact, say)
#
# Environment: PORTCHECK_FUZZ_DIR (build directory, default build-fuzz), PORTCHECK_FIXTURE_DIR
# (seed files; default build-test/fixtures, else the fixtures are built into build-fuzz).
# A crash, sanitizer report, timeout (10 s an input) or out-of-memory (2 GB; 512 MB in one
# allocation) exits non-zero and leaves the input in build-fuzz/artifacts/.
set -euo pipefail

mode=smoke
case "${1:-}" in
  "") ;;
  --long) mode=long; seconds=${2:-3600} ;;
  --repro) mode=repro; input=$(realpath "${2:?usage: $0 --repro FILE}") ;;
  *) echo "usage: $0 [--long [SECONDS] | --repro FILE]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."

build=${PORTCHECK_FUZZ_DIR:-build-fuzz}
case $build in /*) ;; *) build=$PWD/$build ;; esac
jobs=$(nproc)
for tool in clang clang++; do
  command -v "$tool" >/dev/null ||
    { echo "fuzz: $tool not found (Debian: clang libclang-rt-14-dev)" >&2; exit 1; }
done

echo "== build the fuzz target (clang, ASan + UBSan, libFuzzer) in $build"
CC=clang CXX=clang++ cmake -S tests/fuzz -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs" --target load_fuzz
fuzzer="$build/load_fuzz"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512)

if [ "$mode" = repro ]; then
  exec "$fuzzer" "${limits[@]}" "$input"
fi

# Seeds: every fixture under 256 KB that starts with the ELF magic (large static binaries slow
# each execution down without reaching new code), copied under a flat name.
fixtures=${PORTCHECK_FIXTURE_DIR:-build-test/fixtures}
if [ ! -f "$fixtures/glibc-2.34" ]; then
  echo "== build the fixtures into $build/fixtures"
  cmake -S fixtures -B "$build/fixtures-build" -DPORTCHECK_FIXTURE_DIR="$build/fixtures" >/dev/null
  cmake --build "$build/fixtures-build" -j "$jobs" >/dev/null
  fixtures=$build/fixtures
fi
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds" "$build/artifacts"
while IFS= read -r -d '' file; do
  if [ "$(head -c 4 "$file" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
    cp "$file" "$seeds/$(echo "${file#"$fixtures"/}" | tr / _)"
  fi
done < <(find "$fixtures" -type f -size -256k -print0)
echo "== $(find "$seeds" -type f | wc -l) seed files from $fixtures"

log=$build/fuzz.log
if [ "$mode" = smoke ]; then
  runs=${PORTCHECK_FUZZ_RUNS:-400000}
  corpus=$build/smoke-corpus  # fresh each time: the same seeds, the same run
  rm -rf "$corpus"
  mkdir -p "$corpus"
  echo "== fuzz: $runs executions (seed 1)"
  status=0
  "$fuzzer" "${limits[@]}" -seed=1 -runs="$runs" -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
else
  corpus=$build/corpus  # kept: each long run starts where the last one stopped
  mkdir -p "$corpus"
  echo "== fuzz: $seconds s on $jobs workers (corpus $corpus, log $log)"
  status=0
  # Each job logs to fuzz-<n>.log in the working directory: the build directory.
  (cd "$build" && "$fuzzer" "${limits[@]}" -max_total_time="$seconds" -jobs="$jobs" \
    -workers="$jobs" -print_final_stats=1 -artifact_prefix="$build/artifacts/" "$corpus" \
    "$seeds") >"$log" 2>&1 || status=$?
  cat "$build"/fuzz-[0-9]*.log >>"$log" 2>/dev/null && rm -f "$build"/fuzz-[0-9]*.log
fi

grep -E '^Done|stat::number_of_executed_units|stat::peak_rss_mb|cov: ' "$log" | tail -4 || true
if [ "$status" -ne 0 ]; then
  grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
  echo "fuzz: FAILED (exit $status); full log: $log" >&2
  echo "fuzz: reproduce with: $0 --repro $build/artifacts/<file>" >&2
  exit "$status"
fi
echo "== fuzz: no crash, no leak, no timeout"
