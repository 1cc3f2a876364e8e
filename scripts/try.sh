#!/usr/bin/env bash
# Quick start, step one: install what is missing, build portcheck, and run it on a real binary of
# this machine (or on the files given as arguments).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
echo
if [ $# -eq 0 ]; then set -- /bin/ls; fi
exec ./build/portcheck "$@"
