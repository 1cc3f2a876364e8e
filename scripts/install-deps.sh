#!/usr/bin/env bash
# Installs, with apt-get, whatever portcheck needs to build and test that is not already there.
# Idempotent: when every package is present it only checks and returns at once.
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config
  liblief-dev libmbedtls-dev libcli11-dev libfmt-dev nlohmann-json3-dev libarchive-dev
  libacl1-dev libbz2-dev liblz4-dev liblzma-dev libzstd-dev nettle-dev zlib1g-dev
)
test_packages=(
  catch2 binutils musl-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross file clang-format git
  python3-jsonschema zip groff-base clang libclang-rt-14-dev golang-go rustc python3-minimal
  debootstrap
)

want=("${build_packages[@]}")
if [ "${1:-}" = "--test" ]; then
  want+=("${test_packages[@]}")
fi

missing=()
for pkg in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done

install_packages() {
  if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#want[@]} packages present"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The SARIF test validates against the official SARIF 2.1.0 schema, which Microsoft's SARIF
# Multitool ships; it is fetched from the npm registry into a cache outside the repository.
sarif_tool_version=5.7.0
tools_dir=${PORTCHECK_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/portcheck-test-tools}
fetch_sarif_tool() {
  local schema="$tools_dir/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
  if [ -f "$schema" ]; then
    echo "install-deps: SARIF schema present ($schema)"
    return
  fi
  if ! command -v npm >/dev/null; then
    echo "install-deps: npm not found; the SARIF schema test will be skipped" >&2
    return
  fi
  echo "install-deps: fetching @microsoft/sarif-multitool-linux@$sarif_tool_version"
  mkdir -p "$tools_dir"
  npm install --silent --no-audit --no-fund --prefix "$tools_dir" \
    "@microsoft/sarif-multitool-linux@$sarif_tool_version" ||
    echo "install-deps: could not fetch the SARIF tool; the SARIF schema test will be skipped" >&2
}

install_packages
if [ "${1:-}" = "--test" ]; then
  fetch_sarif_tool
  # Real binaries the load tests read (esbuild from npm), into a cache outside the repository.
  "$(dirname "$0")/fetch-real-binaries.sh"
fi
