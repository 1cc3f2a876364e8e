#!/usr/bin/env bash
# The Debian package as a user gets it: `cpack -G DEB` from a built tree, lintian with no error
# or warning (each override in packaging/lintian-overrides used, so none hides a new tag), then
# in a copy of each Debian minbase root of scripts/debian-roots.sh (11, 12, 13): `dpkg -i`,
# portcheck --version and a check of the root's /bin/ls against its own release, the man page and completions where
# they belong, and `dpkg -r` leaving none of the package's files. Needs root (chroot), lintian
# and the roots; exit 77 (skipped) without them.
# Usage: tests/package/test-deb.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
roots=${PORTCHECK_ROOTS_CACHE:-$HOME/.cache/portcheck-roots}
if [ "$(id -u)" -ne 0 ] || ! command -v lintian >/dev/null; then
  echo "test-deb: needs root and lintian (scripts/install-deps.sh --test): skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log"
deb=$(ls "$work"/portcheck_*.deb)
echo "test-deb: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"

lintian --show-overrides --tag-display-limit 0 "$deb" 2>&1 | grep -v 'root privileges' \
  >"$work/lintian.log" || true
if grep -E '^[EW]: ' "$work/lintian.log"; then
  echo "test-deb: lintian reports errors or warnings"
  exit 1
fi
overrides=$(grep -c '^portcheck: ' "$(dirname "$0")/../../packaging/lintian-overrides")
used=$(grep -c '^O: ' "$work/lintian.log" || true)
if [ "$used" -ne "$overrides" ]; then
  echo "test-deb: $overrides lintian overrides, $used used"
  cat "$work/lintian.log"
  exit 1
fi
echo "test-deb: lintian: no error or warning, $used overrides used"

files=(usr/bin/portcheck usr/share/man/man1/portcheck.1.gz usr/share/doc/portcheck/copyright
  usr/share/doc/portcheck/changelog.gz usr/share/bash-completion/completions/portcheck
  usr/share/zsh/vendor-completions/_portcheck usr/share/fish/vendor_completions.d/portcheck.fish)
tested=0
for pair in bullseye:debian-11 bookworm:debian-12 trixie:debian-13; do
  suite=${pair%%:*} target=${pair#*:}
  [ -d "$roots/$suite" ] || { echo "test-deb: no $suite root in $roots: not tested there"; continue; }
  root="$work/$suite"
  cp -a "$roots/$suite" "$root"
  cp "$deb" "$root/tmp/portcheck.deb"
  chroot "$root" dpkg -i /tmp/portcheck.deb >"$work/$suite-install.log"
  for file in "${files[@]}"; do
    [ -s "$root/$file" ] || { echo "test-deb: $suite: /$file missing"; exit 1; }
  done
  gzip -t "$root/usr/share/man/man1/portcheck.1.gz"
  version=$(chroot "$root" portcheck --version)
  code=0
  chroot "$root" portcheck -t "$target" /bin/ls >"$work/$suite-check.log" || code=$?
  if [ "$code" -ne 0 ]; then
    echo "test-deb: $suite: portcheck -t $target /bin/ls exited $code"
    cat "$work/$suite-check.log"
    exit 1
  fi
  chroot "$root" dpkg -r portcheck >"$work/$suite-remove.log"
  for file in "${files[@]}"; do
    [ ! -e "$root/$file" ] || { echo "test-deb: $suite: /$file left after dpkg -r"; exit 1; }
  done
  echo "test-deb: $suite: installed, '$version' ran, its /bin/ls passes $target, removed cleanly"
  rm -rf "$root"
  tested=$((tested + 1))
done
[ "$tested" -gt 0 ] || { echo "test-deb: no Debian root to install in: skipped"; exit 77; }
