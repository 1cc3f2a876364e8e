#!/usr/bin/env bash
# Times portcheck against the tools users would otherwise script, on the same inputs in one run,
# and prints ratios and peak RSS (GNU time's %M). Not a test: figures depend on the machine.
#   bench/run.sh [PORTCHECK] [LIEF_PARSE] [MARKER_SCAN]
# Defaults: build-test/portcheck, build-test/bench/lief_parse and build-test/bench/marker_scan
# (built by scripts/test.sh, or `cmake --build build-test --target lief_parse marker_scan`).
# Inputs are read once first so that every tool finds them in the page cache. Each figure is the
# median of 5 runs for (a) and (b), of 3 for the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
portcheck=$(readlink -f "${1:-build-test/portcheck}")
lief_parse=$(readlink -f "${2:-build-test/bench/lief_parse}")
marker_scan=$(readlink -f "${3:-build-test/bench/marker_scan}")
[ -x "$portcheck" ] || { echo "bench: $portcheck not built" >&2; exit 2; }
[ -x "$lief_parse" ] || { echo "bench: $lief_parse not built" >&2; exit 2; }
[ -x "$marker_scan" ] || { echo "bench: $marker_scan not built" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# once NAME CMD...: one run, appended to NAME's runs; median NAME: the median of them. Tools
# compared with each other run in turn, round after round, so that drift in the machine's speed
# hits them alike. Wall time from bash's microsecond clock (GNU time's %e has 10 ms steps), peak
# RSS from GNU time.
once() {
  local name=$1; shift
  local start=$EPOCHREALTIME
  /usr/bin/time -q -f "%M" -o "$work/t" "$@" > /dev/null 2>&1 || true
  local end=$EPOCHREALTIME
  echo "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }') $(cat "$work/t")" \
    >> "$work/$name.runs"
}
median() { sort -n "$work/$1.runs" | awk '{ r[NR] = $0 } END { print r[int((NR + 1) / 2)] }' > "$work/$1"; }
# time_cmd NAME CMD...: the median of 3 runs in a row
time_cmd() {
  local name=$1; shift
  for _ in 1 2 3; do once "$name" "$@"; done
  median "$name"
}
secs() { cut -d' ' -f1 < "$work/$1"; }
rss_mb() { awk '{printf "%.0f", $2/1024}' < "$work/$1"; }
ratio() { awk -v a="$(secs "$1")" -v b="$(secs "$2")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
row() { printf '  %-34s %8ss %7s MB\n' "$1" "$(secs "$2")" "$(rss_mb "$2")"; }

largest=$(find /usr -xdev -type f -size +20M -printf '%s %p\n' 2>/dev/null | sort -rn |
  while read -r _ f; do head -c4 "$f" | grep -q ELF && { echo "$f"; break; }; done)
typical=$(find /usr/bin /usr/sbin /usr/lib -xdev -type f -size +10M -size -30M 2>/dev/null |
  while read -r f; do head -c4 "$f" | grep -q ELF && { echo "$f"; break; }; done)
hundred=$(find /usr -xdev -type f -size +90M -size -130M 2>/dev/null | sort |
  while read -r f; do head -c4 "$f" | grep -q ELF && { echo "$f"; break; }; done)
libdir=/usr/lib/x86_64-linux-gnu
mixed=$(ls -d /usr/lib/python3/dist-packages /usr/share/doc 2>/dev/null | head -1)
cat "$largest" "$typical" "$hundred" > /dev/null
find "$libdir" -maxdepth 1 -type f -name '*.so*' -exec cat {} + > /dev/null

echo "portcheck $("$portcheck" --version)"
echo "machine: $(nproc) cores, $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)"

for kind in largest typical; do
  file=${!kind}
  echo; echo "($kind) $file, $(( $(stat -c %s "$file") / 1048576 )) MB"
  for _ in 1 2 3 4 5; do
    once "$kind.portcheck" "$portcheck" -j1 -t @all "$file"
    once "$kind.lief" "$lief_parse" "$file"
    once "$kind.readelf" readelf -W -V -d -l "$file"
    once "$kind.objdump" objdump -T "$file"
  done
  for tool in portcheck lief readelf objdump; do median "$kind.$tool"; done
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
biggest=$(xargs -a "$work/libs" stat -c '%s %n' | sort -rn | head -1 | cut -d' ' -f2-)
time_cmd c.biggest "$lief_parse" "$biggest"
for jobs in 1 4; do
  time_cmd "c.j$jobs" xargs -a "$work/libs" "$portcheck" --format json -t @supported -j "$jobs"
  row "portcheck --jobs $jobs" "c.j$jobs"
done
size_mb=$(( $(stat -c %s "$biggest") / 1048576 ))
row "bare LIEF on the largest, $size_mb MB" c.biggest
echo "  peak RSS target: 1.5 x $size_mb MB + 64 MB = $(( size_mb * 3 / 2 + 64 )) MB"

if [ -n "$mixed" ]; then
  echo; echo "(d) $mixed: $(find "$mixed" -type f | wc -l) files, mostly not ELF"
  time_cmd d.portcheck "$portcheck" --format json -t @supported "$mixed"
  time_cmd d.find sh -c "find '$mixed' -type f -exec head -c4 {} + > /dev/null"
  row "portcheck" d.portcheck; row "find + head -c4 of every file" d.find
fi

echo; echo "(e) the marker scans alone (median of 9), target: TLS scan of a 100 MB file < 50 ms"
for file in "$hundred" "$largest" "$typical"; do
  echo "  $file: $("$marker_scan" "$file")"
done

# (f) A release of many small files in one archive: the cost per file must not grow with the
# size of the release. The peer is what a script would do: unpack, then readelf every file.
small=$(find /usr/bin -xdev -type f -size -40k 2>/dev/null | sort |
  while read -r f; do head -c4 "$f" | grep -q ELF && { echo "$f"; break; }; done)
echo; echo "(f) releases of N copies of $small ($(stat -c %s "$small") bytes) in one .tar.gz"
for count in 2000 4000 8000; do
  rm -rf "$work/rel" "$work/unpacked"; mkdir -p "$work/rel/bin" "$work/unpacked"
  for i in $(seq "$count"); do cp "$small" "$work/rel/bin/tool$i"; done
  tar -czf "$work/rel-$count.tar.gz" -C "$work" rel
  time_cmd "f.$count.portcheck" "$portcheck" --format json -t @supported "$work/rel-$count.tar.gz"
  time_cmd "f.$count.peer" sh -c "tar -xzf '$work/rel-$count.tar.gz' -C '$work/unpacked' &&
    find '$work/unpacked' -type f -exec readelf -W -V -d -l {} + > /dev/null"
  row "portcheck, $count files" "f.$count.portcheck"; row "tar -xzf + readelf, $count files" "f.$count.peer"
  awk -v s="$(secs "f.$count.portcheck")" -v n="$count" \
    'BEGIN { printf "  portcheck per 1,000 files: %.3f s\n", s * 1000 / n }'
done
