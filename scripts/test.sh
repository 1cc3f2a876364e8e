#!/usr/bin/env bash
# Quick start, step two: install what is missing, build portcheck with warnings as errors, build
# the fixtures, and run the whole test suite; again with the address space limited (ulimit -v);
# then again under AddressSanitizer and UndefinedBehaviorSanitizer; then a short, bounded
# libFuzzer run (scripts/fuzz.sh). Set PORTCHECK_SKIP_SANITIZE=1 to skip the sanitizer pass,
# PORTCHECK_SKIP_FUZZ=1 to skip the fuzzing. With --corpus, then the real-binary corpus test
# (scripts/corpus.sh, which downloads Debian packages on its first run; tests/corpus/README.md)
# and, as root, the differential test against the real loader inside Debian 11-13 minbase roots
# (scripts/loader-diff.sh, which builds the roots on its first run; tests/differential/LOADER.md),
# the Debian 12 root packed as a container image (tests/image/capture-debian.sh),
# the Debian package in those roots, and the GitHub action's build step from an empty cache.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
corpus=0
for arg in "$@"; do
  case $arg in
    --corpus) corpus=1 ;;
    *) echo "usage: $0 [--corpus]" >&2; exit 2 ;;
  esac
done

./scripts/install-deps.sh --test

echo "== format and whitespace"
./scripts/check-format.sh

echo "== build and test"
cmake -S . -B build-test -DPORTCHECK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-test -j "$jobs"
ctest --test-dir build-test --output-on-failure -j "$jobs"

# The same suite with the address space limited (4 GiB): every allocation failure must end as
# an error entry or a one-line message, never as an abort. (Sanitizers cannot run under a limit.)
echo "== the suite again under ulimit -v 4194304"
(ulimit -v 4194304 && ctest --test-dir build-test --output-on-failure -j "$jobs")

if [ "${PORTCHECK_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build and test under ASan + UBSan"
  cmake -S . -B build-asan -DPORTCHECK_WERROR=ON -DPORTCHECK_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build build-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi

if [ "${PORTCHECK_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz the ELF loader, archives and the JSON readers (bounded smoke runs)"
  PORTCHECK_FIXTURE_DIR="$PWD/build-test/fixtures" ./scripts/fuzz.sh
fi
if [ "$corpus" = 1 ]; then
  echo "== real-binary corpus (scripts/corpus.sh)"
  ./scripts/corpus.sh --build build-test
  # Against the real loader in Debian 11-13 minbase roots (tests/differential/LOADER.md).
  echo "== the real loader against portcheck (scripts/loader-diff.sh)"
  if [ "$(id -u)" -eq 0 ]; then
    ./scripts/loader-diff.sh
  else
    echo "test: the loader differential test needs root (chroot): NOT RUN" >&2
  fi
  # A Debian 12 root as a container image: its capture against --root and debian-12, its
  # programs on their own image, and ld.so.cache against the loader (tests/image).
  echo "== a Debian 12 root as a container image (tests/image/capture-debian.sh)"
  rc=0
  tests/image/capture-debian.sh build-test/portcheck || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || exit "$rc"
  # The Debian package: lintian, then installed and removed in copies of the same roots.
  echo "== the Debian package (tests/package/test-deb.sh)"
  rc=0
  tests/package/test-deb.sh build-test || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || exit "$rc"
  # The action's cold path: a cache miss, its build step (install-deps, a Release build), the
  # save, the check, then a run from the saved binary (docs/ci.md).
  echo "== the GitHub action built from its source (tests/action/test-action.sh --build)"
  if [ "$(id -u)" -eq 0 ]; then
    tests/action/test-action.sh build-test/portcheck build-test/fixtures . --build
  else
    echo "test: the action's build step needs root (install-deps): NOT RUN" >&2
  fi
fi
echo "== all tests passed"
