#!/usr/bin/env bash
# SARIF output validated against the official SARIF 2.1.0 JSON schema (from Microsoft's SARIF
# Multitool npm package, fetched by scripts/install-deps.sh --test), with python3-jsonschema,
# and by the Multitool's own `validate` (the SARIF SDK's rules): no error, and no warning but
# the two that do not apply to binaries (docs/ci.md, "SARIF"). Then: locations relative to
# %SRCROOT% under it and file:// URIs elsewhere, and fingerprints the same on a re-run from
# another directory with --sarif-root. Exit 77 (skipped, shown as such by CTest) when the
# schema could not be fetched.
set -euo pipefail
portcheck=$1 fixtures=$2
tools_dir=${PORTCHECK_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/portcheck-test-tools}
schema="$tools_dir/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
if [ ! -f "$schema" ]; then
  echo "SARIF schema not found at $schema (run scripts/install-deps.sh --test): skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$fixtures/release" "$work/release"
cat > "$work/.portcheck.json" <<'JSON'
{"suppressions": [{"rule": "glibc-version", "target": "centos-7", "reason": "legacy build"}]}
JSON
cd "$work"
"$portcheck" --format sarif -t @all release "$fixtures"/glibc-2.* "$fixtures/empty" \
  "$fixtures/tls-static-openssl" > all.sarif 2>/dev/null || true
/usr/bin/python3 - "$schema" all.sarif <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
for error in errors[:10]:
    print("/".join(map(str, error.path)), error.message[:200])
results = doc["runs"][0]["results"]
assert len(results) > 50, "too few results"
assert any("suppressions" in r for r in results), "no suppressed result"
print(f"sarif: {len(results)} results, {len(errors)} schema errors")
sys.exit(1 if errors else 0)
PY

# The Multitool's validator. SARIF2017 (a location without a region): a binary has no lines to
# point to. SARIF2005 (no informationUri): portcheck has no web page to name. It is a .NET
# program: without ICU it needs the invariant culture, and under the suite's ulimit -v its GC
# must reserve less address space than its default (a range of 1 GiB, not 256 GiB).
multitool="$tools_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_GCRegionRange=0x40000000 \
  "$multitool" validate all.sarif --output validation.sarif --log ForceOverwrite \
  >validate.log 2>&1 ||
  { cat validate.log; echo "sarif: the Multitool could not validate"; exit 1; }
/usr/bin/python3 - validation.sarif <<'PY'
import collections, json, sys
results = json.load(open(sys.argv[1]))["runs"][0]["results"]
not_applying = {"SARIF2017", "SARIF2005"}
counts = collections.Counter((r.get("level", "warning"), r["ruleId"]) for r in results)
bad = [r for r in results if r["ruleId"] not in not_applying or r.get("level") == "error"]
for r in bad[:10]:
    print(r["ruleId"], r.get("level", "warning"), json.dumps(r["message"])[:300])
print("sarif: Multitool validate:", dict(counts) or "nothing to report")
sys.exit(1 if bad else 0)
PY

# Locations and fingerprints: the same report from the parent directory with --sarif-root names
# the files and fingerprints each result as before.
(cd .. && "$portcheck" --format sarif --sarif-root "$work" -t @all "$work/release" \
  "$fixtures"/glibc-2.* "$fixtures/empty" "$fixtures/tls-static-openssl" >"$work/again.sarif" \
  2>/dev/null) || true
/usr/bin/python3 - all.sarif again.sarif "$work" <<'PY'
import json, sys
first, again = (json.load(open(p))["runs"][0] for p in sys.argv[1:3])
root = "file://" + sys.argv[3] + "/"
assert first["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root, first["originalUriBaseIds"]
def located(run):
    return [(r["locations"][0]["physicalLocation"]["artifactLocation"],
             r["partialFingerprints"]["portcheckResult/v1"]) for r in run["results"]]
a, b = located(first), located(again)
assert a == b, "a re-run from another directory locates or fingerprints differently"
under = [loc for loc, _ in a if loc.get("uriBaseId") == "%SRCROOT%"]
outside = [loc for loc, _ in a if "uriBaseId" not in loc]
assert under and all(not loc["uri"].startswith("/") for loc in under), under[:3]
assert outside and all(loc["uri"].startswith("file:///") for loc in outside), outside[:3]
fingerprints = [f for _, f in a]
print(f"sarif: {len(under)} locations under %SRCROOT%, {len(outside)} by file:// URI, "
      f"{len(set(fingerprints))} distinct fingerprints of {len(fingerprints)} results")
PY
