#!/usr/bin/env bash
# Fetches real third-party binaries that are too big to keep in the repository into a cache
# outside it, for the tests that use them when present (fixtures/README.md, "Real binaries
# fetched on demand"). Each package is fetched with `npm pack` from the npm registry, and both
# the tarball and the extracted binary are checked against the sha256 recorded below; a file that
# does not match is deleted and the script fails.
#
# Cache: ${PORTCHECK_REAL_BINARIES:-${XDG_CACHE_HOME:-~/.cache}/portcheck-fixtures}. Result:
#   <cache>/esbuild-linux-x64-0.24.0      ELF64 x86-64, Go, static (`bin/esbuild` of the package)
#   <cache>/esbuild-linux-arm64-0.24.0    ELF64 AArch64, Go, static
# Reruns with a complete cache are offline. Needs npm, tar and sha256sum.
set -euo pipefail

cache=${PORTCHECK_REAL_BINARIES:-${XDG_CACHE_HOME:-$HOME/.cache}/portcheck-fixtures}

# npm package, version, sha256 of the npm tarball, path in it, sha256 of that file, result name.
packages=(
  "@esbuild/linux-x64 0.24.0 e7ed3f09090b864987027411d34b6b522b2090d83c811f712033e07a587d2275 package/bin/esbuild 8367cdb8aa8069785db9a37da1f5cdcea5c28c449509020a85b4c54e53a37353 esbuild-linux-x64-0.24.0"
  "@esbuild/linux-arm64 0.24.0 5098151a97fadd7e3c43e38a4ad922f679400359deef396ac8b6db7759a5d403 package/bin/esbuild 7288683360edb081cf2ea238a7b0015ac33e764301dedf5e86aa4ec186a6f7c8 esbuild-linux-arm64-0.24.0"
)

check() {  # file sha256
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

mkdir -p "$cache"
for entry in "${packages[@]}"; do
  read -r name version tgz_sha member member_sha result <<< "$entry"
  if check "$cache/$result" "$member_sha"; then
    echo "fetch-real-binaries: $result present"
    continue
  fi
  # npm pack names the tarball after the package: @esbuild/linux-x64 -> esbuild-linux-x64-0.24.0.tgz
  tgz="$cache/$(echo "${name#@}" | tr / -)-$version.tgz"
  if ! check "$tgz" "$tgz_sha"; then
    command -v npm > /dev/null || { echo "fetch-real-binaries: npm not found" >&2; exit 1; }
    rm -f "$tgz"
    (cd "$cache" && npm pack --silent "$name@$version" > /dev/null)
    if ! check "$tgz" "$tgz_sha"; then
      echo "fetch-real-binaries: $tgz does not have the recorded sha256 $tgz_sha" >&2
      rm -f "$tgz"
      exit 1
    fi
  fi
  tar -xzOf "$tgz" "$member" > "$cache/$result.tmp"
  if ! check "$cache/$result.tmp" "$member_sha"; then
    echo "fetch-real-binaries: $member of $tgz does not have the recorded sha256" >&2
    rm -f "$cache/$result.tmp"
    exit 1
  fi
  chmod 0755 "$cache/$result.tmp"
  mv "$cache/$result.tmp" "$cache/$result"
  echo "fetch-real-binaries: $result fetched"
done
