#!/usr/bin/env bash
# Measures the symbol version definitions (.gnu.version_d) of common shared libraries from the
# real library files of Debian bullseye, bookworm and trixie (amd64, main) and of the backports
# suites the archive still has, and writes data/library-versions.json: per library (soname) the
# upstream version, package and node list of each file measured, and the rule by which the node
# set of another upstream version is derived, checked against the measurements. Prints a summary
# per library. docs/baselines.md ("Version definitions of common libraries") describes the file.
#
# Which packages ship the libraries comes from each suite's Contents index (every package of
# main whose files put one of the sonames on the loader's path, compat packages included) plus
# a few package names looked for in every suite's Packages index. apt runs with a configuration
# of its own per suite (scripts/lib/apt-suite.sh): nothing of /etc/apt is read or written.
#
# Cache: ${PORTCHECK_LIBVERSIONS_CACHE:-~/.cache/portcheck-libversions} (apt state and indexes
# under apt/<suite>, .deb files under debs/<suite>, the library files taken out of them under
# files/). Once filled, reruns are offline except for `apt-get update`, skipped when the lists
# are younger than a day (PORTCHECK_LIBVERSIONS_UPDATE=1 forces it, PORTCHECK_LIBVERSIONS_OFFLINE=1
# never updates or downloads).
# Usage: scripts/measure-library-versions.sh [--suites LIST] [--output FILE]
#   --suites  comma-separated (default bullseye,bookworm,trixie,bullseye-backports,
#             bookworm-backports,trixie-backports; a suite the archive does not have is noted
#             and skipped)
#   --output  default data/library-versions.json
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

suites=bullseye,bookworm,trixie,bullseye-backports,bookworm-backports,trixie-backports
output=$repo/data/library-versions.json
while [ $# -gt 0 ]; do
  case $1 in
    --suites) suites=$2; shift 2 ;;
    --output) output=$(realpath -m "$2"); shift 2 ;;
    *) echo "usage: $0 [--suites LIST] [--output FILE]" >&2; exit 2 ;;
  esac
done
cd "$repo"

cache=${PORTCHECK_LIBVERSIONS_CACHE:-$HOME/.cache/portcheck-libversions}
offline=${PORTCHECK_LIBVERSIONS_OFFLINE:-0}
force=${PORTCHECK_LIBVERSIONS_UPDATE:-0}
helper=$repo/scripts/measure_library_versions.py
for tool in apt-get dpkg-deb readelf python3; do
  command -v "$tool" >/dev/null || { echo "measure: $tool missing" >&2; exit 1; }
done

APT_SUITE_DIR=$cache/apt
APT_SUITE_MIRROR=${PORTCHECK_LIBVERSIONS_MIRROR:-http://deb.debian.org/debian}
# shellcheck source=scripts/lib/apt-suite.sh
. "$repo/scripts/lib/apt-suite.sh"

start=$(date +%s)
IFS=, read -r -a suite_list <<<"$suites"
for suite in "${suite_list[@]}"; do
  apt_suite_setup "$suite"
  if ! apt_suite_update "$suite" 1440 "$force" "$offline"; then
    echo "note: the archive has no $suite (skipped)"
    continue
  fi
  state=$APT_SUITE_DIR/$suite/contents-state
  if [ "$offline" != 1 ] && { [ ! -f "$state" ] || [ "$APT_SUITE_DIR/$suite/lists/.updated" -nt "$state" ]; }; then
    apt_suite_fetch_contents "$suite" >"$state"
  fi
  [ -f "$state" ] || echo none >"$state"
  case $(cat "$state") in
    unverified) echo "note: $suite: the archive's Contents index does not match its Release file;" \
      "used unchecked, for finding packages only (each .deb is checked against Packages)" ;;
    none) echo "note: $suite: no Contents index; packages found by name only" ;;
  esac
done

plan=$cache/plan.json
python3 "$helper" plan "$APT_SUITE_DIR" "$suites" "$plan"

# Download what the cache lacks, per suite, with that suite's apt.
missing=$(python3 "$helper" missing "$plan" "$cache/debs")
if [ -n "$missing" ]; then
  if [ "$offline" = 1 ]; then
    echo "measure: offline, but the cache lacks: $(echo "$missing" | cut -d' ' -f2 | xargs)" >&2
    exit 1
  fi
  for suite in "${suite_list[@]}"; do
    mapfile -t want < <(echo "$missing" | awk -v s="$suite" '$1 == s { print $2 }')
    [ ${#want[@]} -gt 0 ] || continue
    mapfile -t opts < <(apt_suite_opts "$suite")
    mkdir -p "$cache/debs/$suite"
    echo "== apt-get download ($suite): ${#want[@]} packages"
    (cd "$cache/debs/$suite" && apt-get "${opts[@]}" -qq download "${want[@]}")
  done
fi
python3 "$helper" place "$plan" "$cache/debs"

python3 "$helper" measure "$plan" "$cache/debs" "$cache/files" "$output" "$(date -u +%F)"
echo "figures: took $(($(date +%s) - start)) s; cache $(du -sh "$cache" | cut -f1); wrote ${output#"$repo"/}"
