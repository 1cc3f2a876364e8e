#!/usr/bin/env bash
# A Debian 12 minbase root (scripts/debian-roots.sh, the package set of the debian:bookworm image)
# packed as a `docker save` archive by fixtures/make-image.py: the root as one layer, then a
# layer whiting out /usr/share/doc, hiding what /var/cache/apt/archives holds (as the debian
# images' build does) and adding a file. `baseline capture --image` of it must give
# what `baseline capture --root` of the root gives (every fact; only the name of what was read
# differs in the sources), and its facts of the image must be those of the bundled debian-12
# target: glibc version, the x86_64 maxima, interpreter, default libraries and their versions.
# Then `portcheck -t @image` of the archive audits the root's files against the image: every
# program of /usr/bin and /usr/sbin must pass (they run there), and /usr/share/doc must be gone.
#
# Last, the loader's word on ld.so.cache: a copy of the root gets the fixture tool in
# /usr/local/bin and its library in /opt/vendor/lib with an ld.so.conf.d file naming it, and
# `ldd` in a chroot of the copy says the library is not found until ldconfig runs there;
# `-t @image` of the copy packed as an image must say the same before and after.
#
# Usage: tests/image/capture-debian.sh [PORTCHECK]   (root, to build the root; exit 77 without)
set -euo pipefail
cd "$(dirname "$0")/../.."
portcheck=$(realpath "${1:-build-test/portcheck}")
[ "$(id -u)" -eq 0 ] || { echo "capture-debian: needs root (debootstrap): SKIPPED" >&2; exit 77; }
roots=${PORTCHECK_ROOTS_CACHE:-$HOME/.cache/portcheck-roots}
./scripts/debian-roots.sh --suites bookworm >&2
root=$roots/bookworm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

start=$(date +%s)
python3 fixtures/make-image.py "$work/bookworm.tar" --format docker --layer "@$root" \
  --layer "-usr/share/doc" "-var/cache/apt/archives/*" \
  "$root/etc/debian_version=etc/portcheck-layer"
echo "capture-debian: packed $root as $(du -h "$work/bookworm.tar" | cut -f1) in $(($(date +%s) - start)) s" >&2

start=$(date +%s)
"$portcheck" baseline capture --image "$work/bookworm.tar" >"$work/image.json" 2>"$work/image.err" ||
  { cat "$work/image.err" >&2; exit 1; }
echo "capture-debian: captured the image in $(($(date +%s) - start)) s" >&2
"$portcheck" baseline capture --root "$root" >"$work/root.json" 2>/dev/null

start=$(date +%s)
status=0
"$portcheck" --format json -t @image "$work/bookworm.tar" >"$work/audit.json" 2>"$work/audit.err" ||
  status=$?
echo "capture-debian: audited the image in $(($(date +%s) - start)) s (exit $status)" >&2

python3 - "$work/image.json" "$work/root.json" "$work/bookworm.tar" "$root" \
  data/baselines.json "$work/audit.json" "$status" <<'EOF'
import json
import sys

image_file, root_file, image_path, root_path, table_file, audit_file, status = sys.argv[1:]
image, root = json.load(open(image_file)), json.load(open(root_file))
failures = []


def same_source(value, read_from):
    # The sources name what was read ("captured from /root/.cache/.../bookworm on ...").
    return json.loads(json.dumps(value).replace(read_from, "ROOT"))


if same_source(image, image_path) != same_source(root, root_path):
    for key in sorted(set(image) | set(root)):
        if same_source(image.get(key), image_path) != same_source(root.get(key), root_path):
            failures.append("image and root captures differ in " + key)

bundled = next(t for t in json.load(open(table_file))["targets"] if t["id"] == "debian-12")
checks = {
    "libc.version": (image["libc"]["version"], bundled["libc"]["version"]),
    "symbol_versions.x86_64": (image["symbol_versions"]["x86_64"],
                               bundled["symbol_versions"]["x86_64"]),
    "interpreters.x86_64": (image["interpreters"]["x86_64"], bundled["interpreters"]["x86_64"]),
    "libraries.default": (image["libraries"]["default"], bundled["libraries"]["default"]),
    # The table's details also cover what the archive offers beyond the image.
    "libraries.details (versions)": (
        {k: v.get("versions") for k, v in image["libraries"]["details"].items()},
        {k: bundled["libraries"]["details"].get(k, {}).get("versions")
         for k in image["libraries"]["details"]}),
    "openssl.default": (image["openssl"]["default"], bundled["openssl"]["default"]),
}
for name, (captured, table) in checks.items():
    if captured == table:
        continue
    if isinstance(captured, dict):
        keys = sorted(k for k in set(captured) | set(table) if captured.get(k) != table.get(k))
        diff = {k: (captured.get(k), table.get(k)) for k in keys[:5]}
        failures.append(f"{name}: {len(keys)} differ (image, debian-12): {diff}")
    else:
        failures.append(f"{name}: the image says {captured!r:.200}, debian-12 {table!r:.200}")

audit = json.load(open(audit_file))
files = [f for f in audit["files"] if isinstance(f, dict)]
programs = [f for f in files
            if f.get("path", "").startswith((image_path + "!/usr/bin/", image_path + "!/usr/sbin/"))]
failed = [f["path"] for f in programs if f.get("status") not in ("pass", "warn")]
others = [f["path"] for f in files if f not in programs and f.get("status") == "fail"]
if len(programs) < 50:
    failures.append(f"only {len(programs)} programs of /usr/bin and /usr/sbin audited")
if failed:
    failures.append(f"{len(failed)} programs do not pass on their own image: {failed[:5]}")
if any("!/usr/share/doc/" in f.get("path", "") or "!/var/cache/apt/archives/" in f.get("path", "")
       for f in files):
    failures.append("a file of the whited-out /usr/share/doc or /var/cache/apt/archives is reported")
if status not in ("0", "1"):
    failures.append(f"the audit exits {status}")
print(f"capture-debian: {len(files)} ELF files audited against the image's own target, "
      f"{len(programs)} of them programs, all passing; {len(others)} other files fail "
      f"({others[:3]}); {len(image['libraries']['default'])} default libraries captured",
      file=sys.stderr)
for failure in failures:
    print("capture-debian: FAIL: " + failure, file=sys.stderr)
sys.exit(1 if failures else 0)
EOF
echo "capture-debian: the image agrees with the root and with debian-12" >&2

fixtures=${PORTCHECK_FIXTURE_DIR:-build-test/fixtures}
copy=$work/copy
cp -a "$root" "$copy"
mkdir -p "$copy/opt/vendor/lib" "$copy/usr/local/bin"
cp "$fixtures/release/lib/libnew.so.1" "$copy/opt/vendor/lib/"
cp "$fixtures/release/bin/tool" "$copy/usr/local/bin/tool"
echo /opt/vendor/lib >"$copy/etc/ld.so.conf.d/vendor.conf"
verdicts() {  # the loader's and portcheck's word on the tool: "found pass" or "missing fail"
  local loader=found
  chroot "$copy" /usr/bin/ldd /usr/local/bin/tool >"$work/ldd.txt" || true
  grep -q 'libnew.so.1 => not found' "$work/ldd.txt" && loader=missing
  python3 fixtures/make-image.py "$work/copy.tar" --format docker --layer "@$copy"
  "$portcheck" --format json -t @image "$work/copy.tar" >"$work/copy.json" 2>/dev/null || true
  python3 -c '
import json, sys
report = json.load(open(sys.argv[2]))
tool = next(f for f in report["files"] if f["path"].endswith("!/usr/local/bin/tool"))
print(sys.argv[1], tool["targets"][0]["verdict"])' "$loader" "$work/copy.json"
}
before=$(verdicts)
chroot "$copy" /sbin/ldconfig
after=$(verdicts)
echo "capture-debian: before ldconfig: $before; after: $after (the loader's word, then portcheck's)" >&2
[ "$before" = "missing fail" ] && [ "$after" = "found pass" ] ||
  { echo "capture-debian: FAIL: portcheck and the loader disagree on ld.so.cache" >&2; exit 1; }
