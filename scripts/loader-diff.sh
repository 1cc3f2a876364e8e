#!/usr/bin/env bash
# The differential test against the real dynamic loader (tests/differential/LOADER.md): for every
# x86_64 ELF file of the extracted corpus (scripts/corpus.sh, bullseye, bookworm and trixie), what
# `ldd` says inside the minbase root file systems of scripts/debian-roots.sh (bullseye as
# debian-11, bookworm as debian-12, trixie as debian-13) is compared with portcheck's verdicts for
# those targets, per file and target: false passes, false fails, noise and wrong culprits fail it.
# Runs the self-test of the comparison (tests/differential/loader_diff_selftest.py) first.
#
# Cache: the roots in ${PORTCHECK_ROOTS_CACHE:-~/.cache/portcheck-roots}, the corpus in
# ${PORTCHECK_CORPUS_CACHE:-~/.cache/portcheck-corpus} (both filled by their scripts, which this
# one calls), and ${PORTCHECK_LOADER_DIFF_CACHE:-~/.cache/portcheck-loader-diff}: the full report
# (${PORTCHECK_LOADER_DIFF_REPORT:-<cache>/report.txt}), every ldd result (ldd.jsonl) and a lock.
# While it runs, the corpus is hard-linked (cp -al) into <root>/tmp/portcheck-loader-diff of each
# root; that directory is removed on exit. Nothing else in a root is touched.
# Options: --subset N (only the files whose key hashes to 0 modulo N), --no-fetch (use the roots
# and the corpus as they are). PORTCHECK_LOADER_DIFF_BINARY=PATH checks another portcheck binary;
# otherwise build-test/portcheck is waited for (PORTCHECK_LOADER_DIFF_WAIT seconds, default 1800)
# and copied. Needs root (chroot). Exit 0: no disagreement; 1: disagreements; 2: the test could
# not judge (fewer than 500 files per target, files missing from the report, a setup failure).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

subset=1
fetch=1
while [ $# -gt 0 ]; do
  case $1 in
    --subset) subset=$2; shift 2 ;;
    --no-fetch) fetch=0; shift ;;
    *) echo "usage: $0 [--subset N] [--no-fetch]" >&2; exit 2 ;;
  esac
done

# suite:target, in table order.
pairs=(bullseye:debian-11 bookworm:debian-12 trixie:debian-13)
suites=$(IFS=,; echo "${pairs[*]%%:*}")
roots_cache=${PORTCHECK_ROOTS_CACHE:-$HOME/.cache/portcheck-roots}
corpus_cache=${PORTCHECK_CORPUS_CACHE:-$HOME/.cache/portcheck-corpus}
cache=${PORTCHECK_LOADER_DIFF_CACHE:-$HOME/.cache/portcheck-loader-diff}
report=${PORTCHECK_LOADER_DIFF_REPORT:-$cache/report.txt}
wait_max=${PORTCHECK_LOADER_DIFF_WAIT:-1800}
link_name=portcheck-loader-diff
[ "$(id -u)" -eq 0 ] || { echo "loader-diff: needs root (chroot)" >&2; exit 2; }
mkdir -p "$cache"

echo "== self-test of the comparison"
python3 tests/differential/loader_diff_selftest.py

# One step of waiting (polling every 10 s) for WHAT, at most wait_max seconds in all.
waited=0
wait_step() {
  if [ "$waited" -ge "$wait_max" ]; then
    echo "loader-diff: gave up waiting ${wait_max} s for $1" >&2
    exit 2
  fi
  [ "$waited" -gt 0 ] || echo "loader-diff: waiting for $1"
  sleep 10
  waited=$((waited + 10))
}

if [ "$fetch" = 1 ]; then
  # A root being built (<suite>.tmp, by debian-roots.sh or by hand) is waited for: calling
  # debian-roots.sh now would start that build again.
  while compgen -G "$roots_cache/*.tmp" >/dev/null; do
    wait_step "the roots being built in $roots_cache/*.tmp"
  done
  echo "== roots (scripts/debian-roots.sh)"
  ./scripts/debian-roots.sh --suites "$suites"
  echo "== corpus (scripts/corpus.sh --no-test)"
  ./scripts/corpus.sh --no-test --suites "$suites"
fi
for pair in "${pairs[@]}"; do
  suite=${pair%%:*}
  [ -f "$roots_cache/$suite/.portcheck-root" ] ||
    { echo "loader-diff: no root $roots_cache/$suite (scripts/debian-roots.sh)" >&2; exit 2; }
  [ -d "$corpus_cache/$suite/root" ] ||
    { echo "loader-diff: no corpus in $corpus_cache/$suite (scripts/corpus.sh)" >&2; exit 2; }
done

# One run at a time: the links inside the roots have a fixed name.
exec 9>"$cache/lock"
flock -n 9 || { echo "loader-diff: another run holds $cache/lock" >&2; exit 2; }

# The portcheck to check: PORTCHECK_LOADER_DIFF_BINARY, or a private copy of build-test's, taken
# once it exists and runs (it may be being built, and may be rebuilt during the run).
binary=${PORTCHECK_LOADER_DIFF_BINARY:-}
linked=()
# Removes one <root>/tmp/portcheck-loader-diff: the hard links only, in parallel per package
# directory (a sequential rm -rf of one suite's tree took about 20 s here, in parallel under 1 s).
remove_links() {
  local dir=$1
  case $dir in */tmp/$link_name) ;; *) return ;; esac
  [ -e "$dir" ] || return 0
  find "$dir" -mindepth 2 -maxdepth 2 -print0 | xargs -0 -r -P8 rm -rf
  rm -rf "$dir"
}
cleanup() {
  local dir
  for dir in "${linked[@]}"; do remove_links "$dir"; done
  if [ -z "${PORTCHECK_LOADER_DIFF_BINARY:-}" ] && [ -n "$binary" ]; then rm -f "$binary"; fi
  rm -f "${stamp:-}"
}
trap cleanup EXIT
if [ -z "$binary" ]; then
  copy_binary() {
    [ -x "$repo/build-test/portcheck" ] || return 1
    binary=$(mktemp /tmp/portcheck-loader-diff-bin.XXXXXX)
    cp "$repo/build-test/portcheck" "$binary" && chmod 755 "$binary" &&
      "$binary" --version >/dev/null 2>&1 && return 0
    rm -f "$binary"
    binary=
    return 1
  }
  until copy_binary; do wait_step "build-test/portcheck"; done
fi
echo "== $("$binary" --version)"

# The corpus inside each root, under the same relative layout: <root>/tmp/portcheck-loader-diff/
# <suite>/<package>/... (hard links; symlinks stay symlinks).
roots=()
stamp=$(mktemp "$cache/stamp.XXXXXX")
start=$(date +%s)
for pair in "${pairs[@]}"; do
  suite=${pair%%:*}
  target=${pair#*:}
  root=$roots_cache/$suite
  dir=$root/tmp/$link_name
  linked+=("$dir")
  remove_links "$dir"  # left over from a run that was killed
  mkdir "$dir"
  for pair2 in "${pairs[@]}"; do
    cp -al "$corpus_cache/${pair2%%:*}/root" "$dir/${pair2%%:*}"
  done
  roots+=(--root "$suite=$target=$root")
done
echo "figures: hard links made in $(($(date +%s) - start)) s"

status=0
python3 tests/differential/loader_diff.py --corpus "$corpus_cache" "${roots[@]}" \
  --portcheck "$binary" --report "$report" --jobs "$(nproc)" --subset "$subset" \
  --ldd-log "$cache/ldd.jsonl" || status=$?
# Nothing in a root outside its /tmp may have changed (ldd only reads).
for pair in "${pairs[@]}"; do
  root=$roots_cache/${pair%%:*}
  changed=$(find "$root" -path "$root/tmp" -prune -o -cnewer "$stamp" -print | head -n 5)
  if [ -n "$changed" ]; then
    printf 'loader-diff: warning: changed in %s during the run:\n%s\n' "$root" "$changed" >&2
  fi
done
start=$(date +%s)
cleanup
linked=()
echo "figures: hard links removed in $(($(date +%s) - start)) s"
exit $status
