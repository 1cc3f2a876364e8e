#!/usr/bin/env bash
# The real-binary corpus test (tests/corpus/README.md): downloads the Debian packages of
# tests/corpus/packages.txt for bullseye, bookworm and trixie (amd64) with an apt configuration of
# its own, extracts each once, and runs the [corpus] test of build-test/tests/portcheck_tests over
# the extracted roots: a file readelf reads without a warning must not be a portcheck error, and
# the facts both read must agree.
#
# Cache: ${PORTCHECK_CORPUS_CACHE:-~/.cache/portcheck-corpus}; once filled, reruns are offline
# except for `apt-get update`, which is skipped when the lists are younger than a day
# (PORTCHECK_CORPUS_UPDATE=1 forces it, PORTCHECK_CORPUS_OFFLINE=1 never updates or downloads).
# Options: --suites LIST (comma-separated, default bullseye,bookworm,trixie), --no-test (fetch
# and extract only), --build DIR (default build-test). PORTCHECK_CORPUS_BINARY=PATH checks another
# portcheck binary with the same test (an older commit's build, a release).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

suites=bullseye,bookworm,trixie
run_test=1
build=$repo/build-test
while [ $# -gt 0 ]; do
  case $1 in
    --suites) suites=$2; shift 2 ;;
    --no-test) run_test=0; shift ;;
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--suites LIST] [--no-test] [--build DIR]" >&2; exit 2 ;;
  esac
done

cache=${PORTCHECK_CORPUS_CACHE:-$HOME/.cache/portcheck-corpus}
list=$repo/tests/corpus/packages.txt
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror=${PORTCHECK_CORPUS_MIRROR:-http://deb.debian.org/debian}
[ -r "$keyring" ] || { echo "corpus: $keyring missing (apt-get install debian-archive-keyring)" >&2; exit 1; }

# The entries of the list, comments and blank lines removed, duplicates dropped.
mapfile -t entries < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | awk 'NF && !seen[$0]++')

# apt with a configuration of its own: nothing of /etc/apt is read, nothing of it is written.
apt_opts() {
  local suite=$1 dir=$cache/apt/$1
  printf '%s\n' \
    -o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::Etc::Parts=/dev/null -o Dir::Etc::Preferences=/dev/null \
    -o Dir::Etc::PreferencesParts=/dev/null -o "Dir::State=$dir/state" \
    -o "Dir::State::Lists=$dir/lists" -o "Dir::State::status=$dir/status" \
    -o "Dir::Cache=$dir/cache" -o APT::Architecture=amd64 -o APT::Architectures=amd64 \
    -o APT::Sandbox::User=root -o Debug::NoLocking=1 -o Acquire::Languages=none \
    -o APT::Get::List-Cleanup=0 -o "Acquire::Retries=3"
}

setup_suite() {
  local suite=$1 dir=$cache/apt/$1
  mkdir -p "$dir/state" "$dir/lists/partial" "$dir/cache/archives/partial" "$cache/$suite/debs" \
    "$cache/$suite/root"
  : >"$dir/status.new"
  [ -f "$dir/status" ] || mv "$dir/status.new" "$dir/status"
  rm -f "$dir/status.new"
  echo "deb [arch=amd64 signed-by=$keyring] $mirror $suite main" >"$dir/sources.list"
}

update_suite() {
  local suite=$1 dir=$cache/apt/$1 opts
  mapfile -t opts < <(apt_opts "$suite")
  local stamp=$dir/lists/.updated
  if [ "${PORTCHECK_CORPUS_OFFLINE:-0}" = 1 ]; then return; fi
  if [ "${PORTCHECK_CORPUS_UPDATE:-0}" != 1 ] && [ -n "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
    return
  fi
  echo "== apt-get update ($suite)"
  apt-get "${opts[@]}" -qq update
  touch "$stamp"
}

# Prints, per entry, the first alternative the suite has ("-" and a note when none).
resolve() {
  local suite=$1 dir=$cache/apt/$1 names entry alt found
  names=$(mktemp)
  # Real packages of the suite, from the Packages index apt-get update fetched.
  find "$dir/lists" -maxdepth 1 -name '*_Packages*' -print0 |
    xargs -0 -r /usr/lib/apt/apt-helper cat-file 2>/dev/null |
    sed -n 's/^Package: //p' | sort -u >"$names"
  [ -s "$names" ] || { echo "corpus: no package index for $suite under $dir/lists" >&2; exit 1; }
  for entry in "${entries[@]}"; do
    found=-
    IFS='|' read -r -a alts <<<"$entry"
    for alt in "${alts[@]}"; do
      if grep -qFx -- "$alt" "$names"; then found=$alt; break; fi
    done
    printf '%s %s\n' "$entry" "$found"
  done
  rm -f "$names"
}

fetch_suite() {
  local suite=$1 opts entry pkg missing=() have=0
  local debs=$cache/$suite/debs root=$cache/$suite/root
  mapfile -t opts < <(apt_opts "$suite")
  local picked=()
  while read -r entry pkg; do
    if [ "$pkg" = - ]; then
      echo "note: $suite has none of: $entry (skipped)"
      continue
    fi
    picked+=("$pkg")
    if ! compgen -G "$debs/${pkg}_*.deb" >/dev/null; then missing+=("$pkg"); fi
  done < <(resolve "$suite")
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "${PORTCHECK_CORPUS_OFFLINE:-0}" = 1 ]; then
      echo "corpus: offline, but $suite lacks ${#missing[@]} packages: ${missing[*]}" >&2
      exit 1
    fi
    echo "== apt-get download ($suite): ${#missing[@]} packages"
    (cd "$debs" && apt-get "${opts[@]}" -qq download "${missing[@]}")
  fi
  for pkg in "${picked[@]}"; do
    local deb
    deb=$(compgen -G "$debs/${pkg}_*.deb" | head -n1)
    [ -n "$deb" ] || { echo "corpus: $suite: no .deb for $pkg after download" >&2; exit 1; }
    if [ ! -d "$root/$pkg" ]; then
      rm -rf "$root/.$pkg.tmp"
      dpkg-deb -x "$deb" "$root/.$pkg.tmp"
      mv "$root/.$pkg.tmp" "$root/$pkg"
    fi
    have=$((have + 1))
  done
  # A package that left the list is not checked any more.
  local dirpath
  local -A wanted=()
  for pkg in "${picked[@]}"; do wanted[$pkg]=1; done
  for dirpath in "$root"/*/; do
    dirpath=${dirpath%/}
    [ -d "$dirpath" ] || continue
    [ -n "${wanted[$(basename "$dirpath")]:-}" ] || rm -rf "$dirpath"
  done
  local size
  size=$(du -sh "$debs" | cut -f1)
  echo "figures: $suite: $have packages of ${#entries[@]} entries, $size of .deb files"
}

IFS=, read -r -a suite_list <<<"$suites"
roots=()
start=$(date +%s)
for suite in "${suite_list[@]}"; do
  setup_suite "$suite"
  update_suite "$suite"
  fetch_suite "$suite"
  roots+=("$cache/$suite/root")
done
echo "figures: fetch and extract took $(($(date +%s) - start)) s; cache $(du -sh "$cache" | cut -f1)"

[ "$run_test" = 1 ] || exit 0
tests=$build/tests/portcheck_tests
[ -x "$tests" ] || { echo "corpus: $tests missing; build the portcheck_tests target first" >&2; exit 1; }
# The portcheck to check: PORTCHECK_CORPUS_BINARY, or a private copy of the build's, so that a
# rebuild of the build directory during the run does not pull the binary away under it.
binary=${PORTCHECK_CORPUS_BINARY:-}
if [ -z "$binary" ]; then
  binary=$(mktemp /tmp/portcheck-corpus-bin.XXXXXX)
  trap 'rm -f "$binary"' EXIT
  cp "$build/portcheck" "$binary"
  chmod 755 "$binary"
fi
"$binary" --version >/dev/null || { echo "corpus: $binary does not run" >&2; exit 1; }
# The Go, Rust and odd-linker programs the fixture build makes here, and the real esbuild
# binaries of scripts/fetch-real-binaries.sh, checked the same way (copied: the walk takes
# regular files only).
built=$cache/built-here
rm -rf "$built" && mkdir -p "$built"
for name in go-static go-pie go-cgo empty-verneed rust-static-pie i386-old-dynamic prelinked \
    copy-reloc; do
  cp "$build/fixtures/$name" "$built/"
done
real=${PORTCHECK_REAL_BINARIES:-${XDG_CACHE_HOME:-$HOME/.cache}/portcheck-fixtures}
for name in esbuild-linux-x64-0.24.0 esbuild-linux-arm64-0.24.0; do
  if [ -f "$real/$name" ]; then cp "$real/$name" "$built/"; else echo "note: $real/$name missing"; fi
done
roots+=("$built")
echo "== corpus test ($("$binary" --version))"
start=$(date +%s)
status=0
PORTCHECK_CORPUS_BINARY=$binary PORTCHECK_CORPUS_DIRS=$(IFS=:; echo "${roots[*]}") \
  PORTCHECK_CORPUS_REPORT=${PORTCHECK_CORPUS_REPORT:-$cache/report.txt} \
  "$tests" "[corpus]" || status=$?
echo "figures: corpus check took $(($(date +%s) - start)) s; report in ${PORTCHECK_CORPUS_REPORT:-$cache/report.txt}"
exit $status
