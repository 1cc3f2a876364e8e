#!/usr/bin/env bash
# Times portcheck against the tools users would otherwise script, on the same inputs in one run,
# and prints ratios and peak RSS (GNU time's %M). Not a test: figures depend on the machine.
#   bench/run.sh [PORTCHECK] [LIEF_PARSE]
# Defaults: build-test/portcheck and build-test/bench/lief_parse (built by scripts/test.sh or
# `cmake --build build-test --target lief_parse`). Inputs are read once first so that every
# tool finds them in the page cache. Each figure is the median of 3 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
portcheck=$(readlink -f "${1:-build-test/portcheck}")
lief_parse=$(readlink -f "${2:-build-test/bench/lief_parse}")
[ -x "$portcheck" ] || { echo "bench: $portcheck not built" >&2; exit 2; }
[ -x "$lief_parse" ] || { echo "bench: $lief_parse not built" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# time_cmd NAME CMD...: median wall seconds and peak RSS (KB) of 3 runs
time_cmd() {
  local name=$1; shift
  local runs=()
  for _ in 1 2 3; do
    /usr/bin/time -q -f "%e %M" -o "$work/t" "$@" > /dev/null 2>&1 || true
    runs+=("$(cat "$work/t")")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p > "$work/$name"
}
secs() { cut -d' ' -f1 < "$work/$1"; }
rss_mb() { awk '{printf "%.0f", $2/1024}' < "$work/$1"; }
ratio() { awk -v a="$(secs "$1")" -v b="$(secs "$2")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
row() { printf '  %-34s %8ss %7s MB\n' "$1" "$(secs "$2")" "$(rss_mb "$2")"; }

largest=$(find /usr -xdev -type f -size +20M -printf '%s %p\n' 2>/dev/null | sort -rn |
  while read -r _ f; do head -c4 "$f" | grep -q ELF && { echo "$f"; break; }; done)
typical=$(find /usr/bin /usr/sbin /usr/lib -xdev -type f -size +10M -size -30M 2>/dev/null |
  while read -r f; do head -c4 "$f" | grep -q ELF && { echo "$f"; break; }; done)
libdir=/usr/lib/x86_64-linux-gnu
mixed=$(ls -d /usr/lib/python3/dist-packages /usr/share/doc 2>/dev/null | head -1)
cat "$largest" "$typical" > /dev/null
find "$libdir" -maxdepth 1 -type f -name '*.so*' -exec cat {} + > /dev/null

echo "portcheck $("$portcheck" --version)"
echo "machine: $(nproc) cores, $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)"

for kind in largest typical; do
  file=${!kind}
  echo; echo "($kind) $file, $(( $(stat -c %s "$file") / 1048576 )) MB"
  time_cmd "$kind.portcheck" "$portcheck" -j1 -t @all "$file"
  time_cmd "$kind.lief" "$lief_parse" "$file"
  time_cmd "$kind.readelf" readelf -W -V -d -l "$file"
  time_cmd "$kind.objdump" objdump -T "$file"
  row "portcheck -t @all" "$kind.portcheck"; row "bare LIEF parse + version walk" "$kind.lief"
  row "readelf -W -V -d -l" "$kind.readelf"; row "objdump -T" "$kind.objdump"
  echo "  portcheck / bare LIEF parse: $(ratio "$kind.portcheck" "$kind.lief") (target <= 1.2)"
done

echo; echo "(c) every *.so* file of $libdir ($(find "$libdir" -maxdepth 1 -type f -name '*.so*' | wc -l) files)"
find "$libdir" -maxdepth 1 -type f -name '*.so*' | sort > "$work/libs"
time_cmd c.portcheck xargs -a "$work/libs" "$portcheck" --format json -t @supported
time_cmd c.readelf sh -c "xargs -a '$work/libs' -n1 readelf -W -V -d -l"
row "portcheck (default jobs)" c.portcheck; row "readelf loop" c.readelf
echo "  portcheck / readelf loop: $(ratio c.portcheck c.readelf) (target <= 0.5)"

if [ -n "$mixed" ]; then
  echo; echo "(d) $mixed: $(find "$mixed" -type f | wc -l) files, mostly not ELF"
  time_cmd d.portcheck "$portcheck" --format json -t @supported "$mixed"
  time_cmd d.find sh -c "find '$mixed' -type f -exec head -c4 {} + > /dev/null"
  row "portcheck" d.portcheck; row "find + head -c4 of every file" d.find
fi
