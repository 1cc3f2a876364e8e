#!/usr/bin/env bash
# Shows that a change leaves portcheck's output as it was: builds portcheck at REV (default HEAD)
# in a private worktree and the working tree as it is, runs both with --format json (and text,
# --tree, --fail-on warn, SARIF, GitHub, Markdown and --list-targets) on the test fixtures and
# on /usr/bin, and compares byte by byte.
# Exit 0 when every output is identical, 1 when one differs (the diffs are printed), 2 on a
# usage or build error. For restructurings that must not change behaviour.
#
#   scripts/same-output.sh [REV] [PATH...]   default paths: build-same/new/fixtures /usr/bin
#
# Builds in build-same/ (old/ and new/; the fixtures are the new tree's). Nothing else is
# written outside /tmp.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
rev=${1:-HEAD}
shift || true
git rev-parse --verify --quiet "$rev^{commit}" >/dev/null ||
  { echo "same-output: not a revision: $rev" >&2; exit 2; }
out=$repo/build-same
jobs=$(nproc)
work=$(mktemp -d /tmp/portcheck-same-output.XXXXXX)
cleanup() {
  git -C "$repo" worktree remove --force "$work/tree" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

build() {  # SOURCE BUILD_DIR TARGET...
  local source=$1 dir=$2
  shift 2
  cmake -S "$source" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$dir" -j "$jobs" --target "$@" >"$work/build.log" 2>&1 ||
    { tail -n 30 "$work/build.log" >&2; echo "same-output: build of $source failed" >&2; exit 2; }
}
echo "== build $rev ($(git rev-parse --short "$rev")) and the working tree"
git worktree add --detach --quiet "$work/tree" "$rev"
# The old build's cache names the previous run's private worktree: start it afresh.
rm -rf "$out/old"
build "$work/tree" "$out/old" portcheck
build "$repo" "$out/new" portcheck portcheck_fixtures

paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=("$out/new/fixtures" /usr/bin)
# Each run: a name and portcheck's arguments. --no-config: a .portcheck.json here must not count.
runs=(
  "json|--no-config --format json -t @all"
  "text|--no-config --color never -t @all"
  "tree|--no-config --color never --tree"
  "jobs1|--no-config --format json -j 1 -t @all"
  "warn-gate|--no-config --format json --fail-on warn -t @all"
  "sarif|--no-config --format sarif -t @all"
  "github|--no-config --format github -t @all"
  "markdown|--no-config --format markdown -t @all"
)
status=0
for path in "${paths[@]}"; do
  for run in "${runs[@]}"; do
    name=${run%%|*}
    read -r -a args <<<"${run#*|}"
    for side in old new; do
      set +e
      "$out/$side/portcheck" "${args[@]}" "$path" >"$work/$side.out" 2>"$work/$side.err"
      echo "exit $?" >>"$work/$side.err"
      set -e
    done
    if cmp -s "$work/old.out" "$work/new.out" && cmp -s "$work/old.err" "$work/new.err"; then
      echo "same: $name $path ($(wc -c <"$work/new.out") bytes)"
    else
      echo "DIFFERENT: $name $path"
      diff "$work/old.out" "$work/new.out" | head -n 40 || true
      diff "$work/old.err" "$work/new.err" | head -n 10 || true
      status=1
    fi
  done
done
for side in old new; do "$out/$side/portcheck" --list-targets >"$work/$side.targets"; done
if cmp -s "$work/old.targets" "$work/new.targets"; then
  echo "same: --list-targets"
else
  echo "DIFFERENT: --list-targets"
  diff "$work/old.targets" "$work/new.targets" | head -n 40 || true
  status=1
fi
[ "$status" = 0 ] && echo "same-output: every output identical" || echo "same-output: outputs differ"
exit $status
