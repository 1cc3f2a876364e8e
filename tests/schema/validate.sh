#!/usr/bin/env bash
# The JSON contract: portcheck's output on every fixture (and the target table) must validate
# against docs/portcheck.schema.json, and --list-targets and this machine's `baseline capture`
# (wrapped in a table) against docs/baselines.schema.json.
# Uses Debian's python3-jsonschema.
set -euo pipefail
portcheck=$1 fixtures=$2 docs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$portcheck" --format json -t @all "$fixtures"/* > "$work/all.json" 2>/dev/null || true
"$portcheck" --format json "$fixtures" > "$work/tree.json" 2>/dev/null || true
"$portcheck" --format json --tree -t @supported "$fixtures/release.tar.gz" > "$work/release.json" 2>/dev/null || true
"$portcheck" --format json -t @pypa "$fixtures"/wheels/*.whl > "$work/wheels.json" 2>/dev/null || true
"$portcheck" --list-targets --format json > "$work/targets.json"
"$portcheck" baseline capture > "$work/capture.json" 2>/dev/null

/usr/bin/python3 - "$docs" "$work" <<'PY'
import json, sys
import jsonschema
docs, work = sys.argv[1], sys.argv[2]
report_schema = json.load(open(f"{docs}/portcheck.schema.json"))
table_schema = json.load(open(f"{docs}/baselines.schema.json"))
failures = 0
def check(name, instance, schema, ref=None):
    global failures
    if ref:
        schema = dict(schema, **{"$ref": ref})
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    for error in errors[:5]:
        print(f"{name}: {'/'.join(map(str, error.path))}: {error.message[:200]}")
    failures += len(errors)
for name in ("all", "tree", "release", "wheels"):
    report = json.load(open(f"{work}/{name}.json"))
    assert report["files"], f"{name}: no files"
    if name == "wheels":
        assert any(r["wheel_tag"] for r in report["releases"]), "wheels: no wheel-tag finding"
    check(name, report, report_schema)
targets = json.load(open(f"{work}/targets.json"))
check("list-targets (table schema)", targets, table_schema)
capture = json.load(open(f"{work}/capture.json"))
check("baseline capture (table schema)",
      {"schema_version": 1, "table_date": capture["released"], "targets": [capture]}, table_schema)
print(f"schema: {failures} problems")
sys.exit(1 if failures else 0)
PY
