#!/usr/bin/env bash
# SARIF output validated against the official SARIF 2.1.0 JSON schema (from Microsoft's SARIF
# Multitool npm package, fetched by scripts/install-deps.sh --test), with python3-jsonschema.
# Exit 77 (skipped, shown as such by CTest) when the schema could not be fetched.
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
