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
for jobs in 1 2 "$(nproc)"; do
  [ -e "$work/c.j$jobs" ] && continue  # all cores may be 2
  time_cmd "c.j$jobs" xargs -a "$work/libs" "$portcheck" --format json -t @supported -j "$jobs"
  row "portcheck --jobs $jobs" "c.j$jobs"
done
echo "  speed-up, --jobs 2 over --jobs 1: $(ratio c.j1 c.j2) (target >= 1.8);" \
  "--jobs $(nproc): $(ratio c.j1 "c.j$(nproc)")"
# auditwheel's library analysis, lazy as `auditwheel show` reads a wheel's files (elf_file_filter,
# DT_NEEDED and the versioned symbols of each, with pyelftools, in one process), when
# AUDITWHEEL_SRC names a checkout of pypa/auditwheel and python3-pyelftools is installed.
if [ -n "${AUDITWHEEL_SRC:-}" ] && /usr/bin/python3 -c 'import elftools' 2>/dev/null; then
  cat >"$work/auditwheel_peer.py" <<'PY'
import sys
from pathlib import Path
from auditwheel.elfutils import elf_file_filter, elf_find_versioned_symbols, elf_read_dt_needed
for path, elf in elf_file_filter(Path(p) for p in open(sys.argv[1]).read().split()):
    elf_read_dt_needed(path)
    list(elf_find_versioned_symbols(elf))
PY
  time_cmd c.auditwheel env PYTHONPATH="$AUDITWHEEL_SRC/src" /usr/bin/python3 "$work/auditwheel_peer.py" "$work/libs"
  row "auditwheel analysis (lazy)" c.auditwheel
  echo "  portcheck / auditwheel: $(ratio c.portcheck c.auditwheel) (target <= 0.7)"
else
  echo "  (auditwheel peer skipped: set AUDITWHEEL_SRC to a checkout and install python3-pyelftools)"
fi
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

# (f) A release of many small files, as a directory and as one .tar.gz: the cost per file must
# not grow with the size of the release, nor the memory beyond the files' own. The peer is what a
# script would do: unpack, then readelf every file.
small=$(find /usr/bin -xdev -type f -size -40k 2>/dev/null | sort |
  while read -r f; do head -c4 "$f" | grep -q ELF && { echo "$f"; break; }; done)
echo; echo "(f) releases of N copies of $small ($(stat -c %s "$small") bytes)"
counts=${PORTCHECK_BENCH_COUNTS:-1000 10000 50000}
for count in $counts; do
  rm -rf "$work/rel" "$work/unpacked"; mkdir -p "$work/rel/bin" "$work/unpacked"
  for i in $(seq "$count"); do cp "$small" "$work/rel/bin/tool$i"; done
  tar -czf "$work/rel-$count.tar.gz" -C "$work" rel
  time_cmd "f.$count.dir" "$portcheck" --format json -t @supported "$work/rel"
  time_cmd "f.$count.tar" "$portcheck" --format json -t @supported "$work/rel-$count.tar.gz"
  time_cmd "f.$count.peer" sh -c "tar -xzf '$work/rel-$count.tar.gz' -C '$work/unpacked' &&
    find '$work/unpacked' -type f -exec readelf -W -V -d -l {} + > /dev/null"
  row "portcheck, directory of $count" "f.$count.dir"; row "portcheck, .tar.gz of $count" "f.$count.tar"
  row "tar -xzf + readelf, $count files" "f.$count.peer"
done
first=${counts%% *}
for kind in dir tar; do
  echo "  $kind: ms per file, and KB of peak RSS per file beyond the $first-file release's:"
  for count in $counts; do
    awk -v s="$(secs "f.$count.$kind")" -v n="$count" -v m="$(cut -d' ' -f2 < "$work/f.$count.$kind")" \
      -v m0="$(cut -d' ' -f2 < "$work/f.$first.$kind")" -v n0="$first" \
      'BEGIN { growth = n > n0 ? sprintf("%.0f", (m - m0) / (n - n0)) : "-"
               printf "    %6d files: %.3f ms/file, %s KB/file\n", n, s * 1000 / n, growth }'
  done
done
echo "  (targets: ms per file within 1.5x from the smallest to the largest; a few KB per file)"

# (g) The fixed cost of a run, and one process per file (find -exec, pre-commit) against a
# readelf loop over the same files.
tiny=$(find /usr/bin -xdev -type f -size -20k 2>/dev/null | sort |
  while read -r f; do head -c4 "$f" | grep -q ELF && { echo "$f"; break; }; done)
echo; echo "(g) start-up, and one process per file over (c)"
for _ in $(seq 9); do
  once g.version "$portcheck" --version
  once g.tiny "$portcheck" --format json -t @supported "$tiny"
  once g.lief "$lief_parse" "$tiny"
  once g.readelf readelf -W -V -d -l "$tiny"
done
for name in version tiny lief readelf; do median "g.$name"; done
row "portcheck --version" g.version; row "portcheck on $(basename "$tiny")" g.tiny
row "bare LIEF parse of it" g.lief; row "readelf of it" g.readelf
time_cmd g.loop sh -c "xargs -a '$work/libs' -n1 '$portcheck' --format json -t @supported"
row "portcheck loop, one process per file" g.loop; row "readelf loop (from c)" c.readelf
echo "  portcheck loop / readelf loop: $(ratio g.loop c.readelf) (target <= 1.5)"
