#!/usr/bin/env bash
# Fuzzes portcheck's readers of hostile input with libFuzzer under AddressSanitizer and
# UndefinedBehaviorSanitizer. Three targets (tests/fuzz/): load (load_elf + derive_facts on any
# bytes), archive (any bytes as an archive or package, each ELF member loaded) and json (any bytes
# as .portcheck.json, a --baselines table and a saved report for diff). They are built with clang
# in their own directory (build-fuzz), apart from the g++ builds; the seeds are the test fixtures
# and, for json, the bundled table, a config and reports portcheck writes at run time. See
# docs/robustness.md.
#
#   scripts/fuzz.sh                 short, bounded run of every target for CI: a fixed number of
#                                   executions each, from seed 1 (about two minutes in all on 2 cores)
#   scripts/fuzz.sh --long [SECS]   for people: SECS seconds (default 3600) a target on every
#                                   core, with a corpus kept in build-fuzz/corpus/TARGET from one
#                                   run to the next
#   scripts/fuzz.sh --repro FILE    runs a target once on FILE (a crash artifact, say); the target
#                                   is the one whose artifacts directory holds FILE, else --target
#   --target NAME                   with any of the above: only load, archive or json
#                                   (or PORTCHECK_FUZZ_TARGET=NAME)
#
# Environment: PORTCHECK_FUZZ_DIR (build directory, default build-fuzz), PORTCHECK_FIXTURE_DIR
# (seed files; default build-test/fixtures, else the fixtures are built into build-fuzz),
# PORTCHECK_BINARY (writes the json seed reports; default build-test/portcheck, else built in
# build-fuzz), PORTCHECK_FUZZ_RUNS, PORTCHECK_FUZZ_ARCHIVE_RUNS, PORTCHECK_FUZZ_JSON_RUNS (the
# executions of the short run). A crash, sanitizer report, timeout (10 s an input) or
# out-of-memory (2 GB; 512 MB in one allocation) exits non-zero and leaves the input in
# build-fuzz/artifacts/TARGET/.
set -euo pipefail

mode=smoke
targets=${PORTCHECK_FUZZ_TARGET:-all}
while [ $# -gt 0 ]; do
  case $1 in
    --long)
      mode=long
      seconds=3600
      if [[ ${2:-} =~ ^[0-9]+$ ]]; then seconds=$2; shift; fi ;;
    --repro) mode=repro; input=$(realpath "${2:?usage: $0 --repro FILE}"); shift ;;
    --target) targets=${2:?usage: $0 --target load|archive|json}; shift ;;
    *) echo "usage: $0 [--target load|archive|json] [--long [SECONDS] | --repro FILE]" >&2
       exit 2 ;;
  esac
  shift
done
cd "$(dirname "$0")/.."
source_dir=$PWD

build=${PORTCHECK_FUZZ_DIR:-build-fuzz}
case $build in /*) ;; *) build=$PWD/$build ;; esac
if [ "$mode" = repro ] && [ "$targets" = all ]; then
  # An artifact names its target by the directory it was left in.
  case $input in
    "$build"/artifacts/*/*) targets=$(basename "$(dirname "$input")") ;;
    *) targets=load ;;
  esac
fi
[ "$targets" = all ] && targets="load archive json"
for target in $targets; do
  case $target in
    load | archive | json) ;;
    *) echo "fuzz: unknown target $target (load, archive or json)" >&2; exit 2 ;;
  esac
done
jobs=$(nproc)
for tool in clang clang++; do
  command -v "$tool" >/dev/null ||
    { echo "fuzz: $tool not found (Debian: clang libclang-rt-14-dev)" >&2; exit 1; }
done

echo "== build the fuzz targets (clang, ASan + UBSan, libFuzzer) in $build: $targets"
CC=clang CXX=clang++ cmake -S tests/fuzz -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
for target in $targets; do
  cmake --build "$build" -j "$jobs" --target "${target}_fuzz"
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512)

if [ "$mode" = repro ]; then
  exec "$build/${targets%% *}_fuzz" "${limits[@]}" "$input"
fi

fixtures=${PORTCHECK_FIXTURE_DIR:-build-test/fixtures}
if [ ! -f "$fixtures/glibc-2.34" ]; then
  echo "== build the fixtures into $build/fixtures"
  cmake -S fixtures -B "$build/fixtures-build" -DPORTCHECK_FIXTURE_DIR="$build/fixtures" >/dev/null
  cmake --build "$build/fixtures-build" -j "$jobs" >/dev/null
  fixtures=$build/fixtures
fi

# load: every fixture under 256 KB that starts with the ELF magic (large static binaries slow
# each execution down without reaching new code), copied under a flat name.
seeds_load() {
  while IFS= read -r -d '' file; do
    if [ "$(head -c 4 "$file" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
      cp "$file" "$1/$(echo "${file#"$fixtures"/}" | tr / _)"
    fi
  done < <(find "$fixtures" -type f -size -256k -print0)
}

# archive: the archive and package fixtures (tar.gz, zip, .deb, an archive inside an archive, a
# cut-off one).
seeds_archive() {
  for name in release.tar.gz release.zip release.deb nested.tar.gz release-broken.tar.gz; do
    cp "$fixtures/$name" "$1/"
  done
}

portcheck_binary() {
  local binary=${PORTCHECK_BINARY:-$PWD/build-test/portcheck}
  if [ ! -x "$binary" ]; then
    cmake --build "$build" -j "$jobs" --target portcheck >/dev/null
    binary=$build/portcheck/portcheck
  fi
  echo "$binary"
}

# json: the bundled table, a one-target extension and a two-target replacement cut from it, the
# config of docs/ci.md, and reports portcheck writes (a pass, a fail, a release, an error entry).
seeds_json() {
  local binary
  binary=$(portcheck_binary)
  cp data/baselines.json "$1/baselines.json"
  python3 - "$1" <<'EOF'
import json, sys
table = json.load(open("data/baselines.json"))
one = dict(table, targets=table["targets"][:1])
one.pop("openssl_lines", None)
json.dump(one, open(sys.argv[1] + "/table-one.json", "w"), indent=1)
json.dump(dict(table, replace=True, targets=table["targets"][1:3]),
          open(sys.argv[1] + "/table-replace.json", "w"))
EOF
  cat >"$1/config.json" <<'EOF'
{
  "targets": ["rhel-8", "rhel-9", "ubuntu-22.04", "@debian"],
  "fail_on": "warn",
  "baselines": "extra.json",
  "exclude": ["*/share/*"],
  "suppressions": [
    {"rule": "glibc-version", "target": "rhel-8", "file": "*/lib/*",
     "culprit": "pthread_create@GLIBC_2.34", "reason": "loaded only by tool --parallel"}
  ]
}
EOF
  # Exit 1 and 3 are expected: the reports hold failing files and an error entry.
  (
    cd "$fixtures"
    exec 2>/dev/null
    "$binary" --no-config --format json -t rhel-8,debian-12 glibc-2.17 >"$1/report-pass.json" || :
    "$binary" --no-config --format json -t centos-7,rhel-8 glibc-2.34 cxx-glibcxx-3.4.30 \
      >"$1/report-fail.json" || :
    "$binary" --no-config --format json -t rhel-8 release.tar.gz empty >"$1/report-release.json" ||
      :
  )
  for report in "$1"/report-*.json; do
    [ -s "$report" ] || { echo "fuzz: $binary wrote no $report" >&2; exit 1; }
  done
}

# The short run's executions per target: about a minute for load, and half a minute each for
# archive and json on a 2-core machine (docs/robustness.md, Fuzzing).
smoke_runs() {
  case $1 in
    load) echo "${PORTCHECK_FUZZ_RUNS:-400000}" ;;
    archive) echo "${PORTCHECK_FUZZ_ARCHIVE_RUNS:-150000}" ;;
    json) echo "${PORTCHECK_FUZZ_JSON_RUNS:-30000}" ;;
  esac
}

# Options of one target, in the array `extra`: mutations of JSON go further with its tokens and
# portcheck's keys at hand.
extra_options() {
  case $1 in
    json) extra=(-dict="$source_dir/tests/fuzz/json.dict" -max_len=8192) ;;
    archive) extra=(-max_len=8192) ;;
    *) extra=() ;;
  esac
}

fuzz_target() {
  local target=$1 fuzzer=$build/${1}_fuzz seeds=$build/seeds/$1 log=$build/fuzz-$1.log status=0
  local artifacts=$build/artifacts/$target/
  rm -rf "$seeds"
  mkdir -p "$seeds" "$artifacts"
  "seeds_$target" "$seeds"
  extra_options "$target"
  echo "== $target: $(find "$seeds" -type f | wc -l) seed files"
  if [ "$mode" = smoke ]; then
    local runs corpus=$build/smoke-corpus/$target  # fresh each time: same seeds, same run
    runs=$(smoke_runs "$target")
    rm -rf "$corpus"
    mkdir -p "$corpus"
    echo "== fuzz $target: $runs executions (seed 1)"
    "$fuzzer" "${limits[@]}" "${extra[@]}" -seed=1 -runs="$runs" \
      -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" "$seeds" >"$log" 2>&1 ||
      status=$?
  else
    local corpus=$build/corpus/$target  # kept: each long run starts where the last one stopped
    mkdir -p "$corpus"
    echo "== fuzz $target: $seconds s on $jobs workers (corpus $corpus, log $log)"
    # Each job logs to fuzz-<n>.log in its working directory, a directory of the target's own.
    mkdir -p "$build/jobs/$target"
    (cd "$build/jobs/$target" && "$fuzzer" "${limits[@]}" "${extra[@]}" \
      -max_total_time="$seconds" -jobs="$jobs" -workers="$jobs" -print_final_stats=1 \
      -artifact_prefix="$artifacts" "$corpus" "$seeds") >"$log" 2>&1 || status=$?
    cat "$build/jobs/$target"/fuzz-[0-9]*.log >>"$log" 2>/dev/null &&
      rm -f "$build/jobs/$target"/fuzz-[0-9]*.log
    echo "== $target corpus: $(find "$corpus" -type f | wc -l) inputs"
  fi
  grep -E '^Done|stat::number_of_executed_units|stat::peak_rss_mb|cov: ' "$log" | tail -4 || true
  if [ "$status" -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
    echo "fuzz: $target FAILED (exit $status); full log: $log" >&2
    echo "fuzz: reproduce with: $0 --repro $artifacts<file>" >&2
    exit "$status"
  fi
}

for target in $targets; do fuzz_target "$target"; done
echo "== fuzz: no crash, no leak, no timeout ($targets)"
