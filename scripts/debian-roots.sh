#!/usr/bin/env bash
# Root file systems of Debian 11, 12 and 13 as their container images are: `debootstrap
# --variant=minbase` (the package set of the debian:bullseye, debian:bookworm and debian:trixie
# images) from the Debian archive. The capture of their inventories (scripts/refresh-baselines.sh)
# and the test against the real loader (scripts/loader-diff.sh) read them; nothing runs in them
# but ldd, in the loader test.
#
# Cache: ${PORTCHECK_ROOTS_CACHE:-~/.cache/portcheck-roots}/<suite> (and the .deb files under
# debs-<suite>). A root is built in <suite>.tmp and moved into place when debootstrap succeeded,
# so a root that exists is whole. It is rebuilt when older than PORTCHECK_ROOTS_MAX_AGE days
# (default 30) or with --rebuild; PORTCHECK_ROOTS_OFFLINE=1 never builds one.
# Usage: scripts/debian-roots.sh [--suites LIST] [--rebuild]   (needs root and debootstrap)
set -euo pipefail

suites=bullseye,bookworm,trixie
rebuild=0
while [ $# -gt 0 ]; do
  case $1 in
    --suites) suites=$2; shift 2 ;;
    --rebuild) rebuild=1; shift ;;
    *) echo "usage: $0 [--suites LIST] [--rebuild]" >&2; exit 2 ;;
  esac
done

cache=${PORTCHECK_ROOTS_CACHE:-$HOME/.cache/portcheck-roots}
mirror=${PORTCHECK_ROOTS_MIRROR:-http://deb.debian.org/debian}
max_age=${PORTCHECK_ROOTS_MAX_AGE:-30}
mkdir -p "$cache"

fresh() {
  local root=$1
  [ -f "$root/.portcheck-root" ] || return 1
  [ "$rebuild" = 0 ] || return 1
  [ -n "$(find "$root/.portcheck-root" -mtime "-$max_age" 2>/dev/null)" ]
}

build_root() {
  local suite=$1 root=$cache/$1
  if fresh "$root"; then
    echo "roots: $suite: $root ($(cat "$root/.portcheck-root"))"
    return
  fi
  if [ "${PORTCHECK_ROOTS_OFFLINE:-0}" = 1 ]; then
    [ -f "$root/.portcheck-root" ] && return
    echo "roots: offline, and no root for $suite in $cache" >&2
    exit 1
  fi
  command -v debootstrap >/dev/null || { echo "roots: debootstrap missing (apt-get install debootstrap)" >&2; exit 1; }
  [ "$(id -u)" -eq 0 ] || { echo "roots: debootstrap needs root" >&2; exit 1; }
  local start log
  start=$(date +%s)
  log=$cache/$suite.log
  rm -rf "$root.tmp"
  mkdir -p "$cache/debs-$suite"
  echo "roots: debootstrap --variant=minbase $suite (log: $log)"
  if ! debootstrap --variant=minbase --arch=amd64 --cache-dir="$cache/debs-$suite" "$suite" \
      "$root.tmp" "$mirror" >"$log" 2>&1; then
    echo "roots: debootstrap $suite failed; last lines of $log:" >&2
    tail -n 5 "$log" >&2
    exit 1
  fi
  echo "debootstrap --variant=minbase $suite $mirror on $(date -u +%F)" >"$root.tmp/.portcheck-root"
  rm -rf "$root"
  mv "$root.tmp" "$root"
  echo "figures: $suite root in $(($(date +%s) - start)) s, $(du -sh "$root" | cut -f1)," \
    "$(grep -c '^Package:' "$root/var/lib/dpkg/status") packages"
}

IFS=, read -r -a suite_list <<<"$suites"
for suite in "${suite_list[@]}"; do build_root "$suite"; done
