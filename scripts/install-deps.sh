#!/usr/bin/env bash
# Installs, with apt-get, whatever portcheck needs to build and test that is not already there.
# Idempotent: when every package is present it only checks and returns at once.
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config
  liblief-dev libmbedtls-dev libcli11-dev libfmt-dev nlohmann-json3-dev libarchive-dev
)
test_packages=(
  catch2 binutils musl-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross file clang-format git
  python3-jsonschema zip
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

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
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
