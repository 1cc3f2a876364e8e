#!/usr/bin/env bash
# The captured targets of data/baselines.json (debian-11, debian-12, debian-13), refreshed from
# the real systems: minbase roots of bullseye, bookworm and trixie (scripts/debian-roots.sh, the
# package set of the debian:N images) read by `portcheck baseline capture --root`, and each
# suite's Contents-amd64 index (every file of every package of main, contrib, non-free and
# non-free-firmware), checked against the suite's signed InRelease. scripts/refresh_baselines.py
# merges both into data/baselines.json and writes data/archive/<target>.txt.
#
# Usage: scripts/refresh-baselines.sh [--check] [--portcheck PATH]
#   --check      writes nothing: exits 1 when the bundled entries differ from a fresh capture
#   --portcheck  the portcheck binary that captures (default build-test/portcheck)
# Cache: ${PORTCHECK_ARCHIVE_CACHE:-~/.cache/portcheck-archive}/<suite> (InRelease, Contents), the
# roots under ${PORTCHECK_ROOTS_CACHE:-~/.cache/portcheck-roots}. Contents are fetched again when
# older than a day (PORTCHECK_ARCHIVE_OFFLINE=1: never).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

check=0
portcheck=$repo/build-test/portcheck
while [ $# -gt 0 ]; do
  case $1 in
    --check) check=1; shift ;;
    --portcheck) portcheck=$2; shift 2 ;;
    *) echo "usage: $0 [--check] [--portcheck PATH]" >&2; exit 2 ;;
  esac
done
[ -x "$portcheck" ] || { echo "refresh: $portcheck missing; build portcheck first" >&2; exit 1; }

suites=(bullseye bookworm trixie)
components=(main contrib non-free non-free-firmware)
mirror=${PORTCHECK_ROOTS_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
archive=${PORTCHECK_ARCHIVE_CACHE:-$HOME/.cache/portcheck-archive}
roots=${PORTCHECK_ROOTS_CACHE:-$HOME/.cache/portcheck-roots}

"$repo/scripts/debian-roots.sh" --suites "$(IFS=,; echo "${suites[*]}")"

# The SHA256 that the verified InRelease gives for one index.
index_sha256() {
  awk -v name="$2" '/^SHA256:/ {in_sha = 1; next} /^[^ ]/ {in_sha = 0}
    in_sha && $3 == name {print $1}' "$1"
}

fetch_contents() {
  local suite=$1 dir=$archive/$1 component
  mkdir -p "$dir"
  if [ "${PORTCHECK_ARCHIVE_OFFLINE:-0}" != 1 ] &&
      [ -z "$(find "$dir/InRelease" -mmin -1440 2>/dev/null)" ]; then
    curl -fsS --retry 3 -o "$dir/InRelease.new" "$mirror/dists/$suite/InRelease"
    mv "$dir/InRelease.new" "$dir/InRelease"
  fi
  gpgv --keyring "$keyring" "$dir/InRelease" 2>/dev/null ||
    { echo "refresh: $dir/InRelease: bad or missing signature" >&2; exit 1; }
  for component in "${components[@]}"; do
    local name=$component/Contents-amd64.gz file=$dir/$component-Contents-amd64.gz want
    want=$(index_sha256 "$dir/InRelease" "$name")
    [ -n "$want" ] || continue  # bullseye has no non-free-firmware
    local have
    have=$(sha256sum "$file" 2>/dev/null | cut -d' ' -f1 || true)
    if [ "$have" != "$want" ] && [ "${PORTCHECK_ARCHIVE_OFFLINE:-0}" != 1 ] &&
        [ -z "$(find "$file" -mmin -1440 2>/dev/null)" ]; then
      curl -fsS --retry 3 -o "$file.new" "$mirror/dists/$suite/$name"
      mv "$file.new" "$file"
      have=$(sha256sum "$file" | cut -d' ' -f1)
    fi
    [ -f "$file" ] || { echo "refresh: no $file (offline?)" >&2; exit 1; }
    if [ "$have" = "$want" ]; then
      echo "$suite $component $file $want"
    else
      # A mirror caught between two updates serves an index its InRelease does not list. It
      # is used, and every source made from it says so.
      echo "refresh: warning: $suite $name does not match the signed InRelease ($want)" >&2
      echo "$suite $component $file unverified:$have"
    fi
  done
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=()
for suite in "${suites[@]}"; do
  fetch_contents "$suite" >>"$work/contents.txt"
  "$portcheck" baseline capture --root "$roots/$suite" >"$work/$suite.json" 2>"$work/$suite.err" ||
    { cat "$work/$suite.err" >&2; exit 1; }
  args+=(--capture "$suite=$work/$suite.json=$(head -n1 "$roots/$suite/.portcheck-root")")
done
[ "$check" = 1 ] && args+=(--check)
status=0
python3 "$repo/scripts/refresh_baselines.py" --contents "$work/contents.txt" "${args[@]}" || status=$?
exit $status
