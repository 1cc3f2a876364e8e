#!/usr/bin/env bash
# The GitLab code-quality report checked against the fields GitLab's documentation ("Code
# Quality", "Code Quality report format") requires, as a JSON schema below, with
# python3-jsonschema; then what GitLab relies on: fingerprints unique within a report (GitLab
# shows only the first issue of a fingerprint) and the same on a re-run from another directory
# with --sarif-root, paths relative to the root for files under it, an archive's members located
# on the archive, one issue per file and rule, an input error for each damaged file, and no
# issue for a suppressed finding.
set -euo pipefail
portcheck=$(realpath "$1") fixtures=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/repo"
cp -r "$fixtures/release" "$fixtures/release.tar.gz" "$fixtures/glibc-2.39" \
  "$fixtures/corrupt-class" "$work/repo/"
cat >"$work/repo/.portcheck.json" <<'JSON'
{"suppressions": [{"rule": "glibc-version", "target": "centos-7", "file": "glibc-2.39",
  "reason": "legacy build"}]}
JSON
inputs=(release release.tar.gz glibc-2.39 corrupt-class)
(cd "$work/repo" && "$portcheck" --format gitlab --json "$work/here.json" -t @all \
  "${inputs[@]}" "$fixtures/glibc-2.34" >"$work/here.gitlab" 2>/dev/null) || true
(cd "$work" && "$portcheck" --format gitlab --config repo/.portcheck.json --sarif-root repo \
  -t @all "${inputs[@]/#/repo/}" "$fixtures/glibc-2.34" >"$work/parent.gitlab" 2>/dev/null) ||
  true

/usr/bin/python3 - "$work" "$fixtures" <<'PY'
import json, sys
import jsonschema
work, fixtures = sys.argv[1:3]
issue = {
    "type": "object",
    "required": ["description", "check_name", "fingerprint", "severity", "location"],
    "properties": {
        "description": {"type": "string", "minLength": 1},
        "check_name": {"type": "string", "minLength": 1},
        "fingerprint": {"type": "string", "minLength": 1},
        "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
        "location": {
            "type": "object",
            "required": ["path", "lines"],
            "properties": {
                "path": {"type": "string", "minLength": 1},
                "lines": {"type": "object", "required": ["begin"],
                          "properties": {"begin": {"type": "integer", "minimum": 1}}},
            },
        },
    },
}
schema = {"type": "array", "items": issue}
here = json.load(open(f"{work}/here.gitlab"))
parent = json.load(open(f"{work}/parent.gitlab"))
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(here))
for error in errors[:5]:
    print("/".join(map(str, error.path)), error.message[:200])
assert not errors, f"{len(errors)} schema errors"

fingerprints = [i["fingerprint"] for i in here]
assert len(set(fingerprints)) == len(fingerprints), "fingerprints repeat"
located = lambda report: [(i["check_name"], i["location"]["path"], i["fingerprint"]) for i in report]
assert located(here) == located(parent), "a re-run from the parent with --sarif-root differs"

paths = {i["location"]["path"] for i in here}
outside = fixtures + "/glibc-2.34"
assert outside in paths, "a file outside the root is not located by its absolute path"
assert all(p == outside or not p.startswith("/") for p in paths), paths
assert "release.tar.gz" in paths and not any("!" in p for p in paths), paths
assert any(i["check_name"] == "input-error" and i["location"]["path"] == "corrupt-class"
           and i["severity"] == "major" for i in here), "no input error for corrupt-class"

report = json.load(open(f"{work}/here.json"))
for file in report["files"]:
    path = file["path"].split("!/")[0]
    rules = {f["rule"] for t in file.get("targets", []) for f in t["findings"]
             if f["severity"] != "info" and f.get("suppressed") is None}
    listed = [i["check_name"] for i in here
              if i["location"]["path"] == path and i["description"].startswith(file["path"] + " (")]
    assert sorted(listed) == sorted(rules), (file["path"], listed, rules)
glibc = [i for i in here if i["location"]["path"] == "glibc-2.39" and i["check_name"] == "glibc-version"]
assert glibc and "centos-7" not in glibc[0]["description"].split(":")[0], glibc
print(f"gitlab: {len(here)} issues, {len(set(fingerprints))} fingerprints, "
      f"{len(paths)} paths; same on a re-run from the parent")
PY
