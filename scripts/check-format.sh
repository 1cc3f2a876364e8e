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
# Stage boundaries (docs/design.md): LIEF only in src/load, libarchive and libsquashfs only in
# src/inputs, CLI11 only in src/cli. Allowed beside them: the LIEF baseline of bench/ (what the loader is measured
# against) and the portable build's stand-in for libarchive's xar reader.
boundary() {  # LABEL PATTERN ALLOWED_REGEX
  local hits
  hits=$(grep -nE "$2" $files | grep -vE "^($3)" || true)
  if [ -n "$hits" ]; then
    printf '%s\n%s\n' "$hits" "$1"
    status=1
  fi
}
boundary "LIEF included outside src/load (above)" '#include <LIEF/' 'src/load/|bench/lief_parse.cpp:'
boundary "libarchive included outside src/inputs (above)" '#include <archive(_entry)?\.h>' \
  'src/inputs/|src/portable/without_xar.cpp:'
boundary "libsquashfs included outside src/inputs (above)" '#include <sqfs/' 'src/inputs/'
boundary "CLI11 included outside src/cli (above)" '#include <CLI/' 'src/cli/'
exit $status
