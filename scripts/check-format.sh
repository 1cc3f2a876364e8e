#!/usr/bin/env bash
# Fails when clang-format would change a source file or a file has trailing whitespace.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find src include tests -name '*.[ch]pp')
status=0
if command -v clang-format >/dev/null; then
  for f in $files; do
    clang-format --dry-run -Werror "$f" 2>/dev/null || { echo "clang-format: $f"; status=1; }
  done
else
  echo "check-format: clang-format not installed, format not checked" >&2
fi
if grep -nE '[[:space:]]+$' $files; then
  echo "trailing whitespace above"
  status=1
fi
exit $status
