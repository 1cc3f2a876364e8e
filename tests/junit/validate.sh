#!/usr/bin/env bash
# JUnit output validated with xmllint against Jenkins' JUnit schema (junit-4.xsd, fetched by
# scripts/install-deps.sh --test), on every fixture with every target (passes, fails, warns,
# suppressed findings, damaged files, object files), under --fail-on warn, and for a file whose
# name holds markup, quotes, a control character and U+FFFE. Then its content against the JSON
# report of the same run: one testsuite per selected target in order, one testcase per file,
# failures where the verdict fails the gate (with the rule as type), errors for the files that
# could not be analysed, and counts that add up. Exit 77 (skipped) when the schema is missing.
set -euo pipefail
portcheck=$(realpath "$1") fixtures=$(realpath "$2")
tools_dir=${PORTCHECK_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/portcheck-test-tools}
schema="$tools_dir/junit/jenkins-junit.xsd"
if [ ! -f "$schema" ] || ! command -v xmllint >/dev/null; then
  echo "JUnit schema ($schema) or xmllint missing (run scripts/install-deps.sh --test): skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$fixtures/release" "$work/release"
cp "$fixtures/glibc-2.28" "$work/$(printf 'odd <b>&"q\x27\x01\xef\xbf\xbe.so')"
cat >"$work/.portcheck.json" <<'JSON'
{"suppressions": [{"rule": "glibc-version", "target": "centos-7", "reason": "legacy <build> & co"}]}
JSON
cd "$work"
inputs=(release "$fixtures"/* ./odd*)
run() {  # NAME OPTION...
  local name=$1
  shift
  "$portcheck" --junit "$name.xml" --json "$name.json" -t @all "$@" "${inputs[@]}" \
    >/dev/null 2>"$name.log" || true
  [ -s "$name.xml" ] || { tail -n 3 "$name.log"; echo "junit: $name: no report written"; exit 1; }
  xmllint --noout --schema "$schema" "$name.xml"
}
run fail-gate
run warn-gate --fail-on warn

/usr/bin/python3 - <<'PY'
import json, sys
import xml.etree.ElementTree as ET

def check(name, warn_gate):
    root = ET.parse(f"{name}.xml").getroot()
    report = json.load(open(f"{name}.json"))
    files = report["files"]
    suites = root.findall("testsuite")
    wheel_suites = [s for s in suites if s.get("name") == "wheel names"]
    suites = [s for s in suites if s.get("name") != "wheel names"]
    assert [s.get("name") for s in suites] == report["targets"], name
    totals = {"tests": 0, "failures": 0, "errors": 0}
    # The wheels' own check: one case per wheel, a failure where its name claims too much.
    wheels = [r for r in report["releases"] if "wheel_tag" in r]
    assert len(wheel_suites) == (1 if wheels else 0), name
    for suite in wheel_suites:
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [r["path"] for r in wheels], name
        failing = 0
        for case, release in zip(cases, wheels):
            bad = [f for f in release["wheel_tag"] if f["suppressed"] is None and
                   (f["severity"] == "fail" or (warn_gate and f["severity"] == "warn"))]
            assert (case.find("failure") is not None) == bool(bad), (name, release["path"])
            failing += bool(bad)
        assert int(suite.get("failures")) == failing, name
        totals["tests"] += len(cases)
        totals["failures"] += failing
    for suite in suites:
        target = suite.get("name")
        cases = suite.findall("testcase")
        # Names are shown as in text (escape_text): the control character in the odd name is
        # `\x01` there, a raw U+0001 in JSON.
        shown = [f["path"].replace("\x01", "\\x01").replace("\ufffe", "\\ufffe") for f in files]
        assert [c.get("name") for c in cases] == shown, (name, target)
        failures = errors = skipped = 0
        for case, file in zip(cases, files):
            verdicts = {t["id"]: t for t in file.get("targets", [])}
            if file["status"] == "error":
                assert case.find("error") is not None, (name, target, file["path"])
                errors += 1
                continue
            if target not in verdicts:
                assert case.find("skipped") is not None, (name, target, file["path"])
                skipped += 1
                continue
            verdict = verdicts[target]["verdict"]
            fails = verdict == "fail" or (warn_gate and verdict == "warn")
            failure = case.find("failure")
            assert (failure is not None) == fails, (name, target, file["path"], verdict)
            if fails:
                failures += 1
                rules = {f["rule"] for f in verdicts[target]["findings"]}
                assert failure.get("type") in rules, (failure.get("type"), rules)
                assert failure.get("message"), (name, target, file["path"])
        counted = (int(suite.get("failures")), int(suite.get("errors")), int(suite.get("skipped")))
        assert counted == (failures, errors, skipped), (name, target, counted)
        assert int(suite.get("tests")) == len(cases)
        for key, value in (("tests", len(cases)), ("failures", failures), ("errors", errors)):
            totals[key] += value
    assert {k: int(root.get(k)) for k in totals} == totals, (name, totals)
    odd = [c for c in suites[0].findall("testcase") if "odd" in c.get("name")]
    assert odd and odd[0].get("name") == "./odd <b>&\"q'\\x01\\ufffe.so", odd[0].get("name")
    suppressed = any("legacy <build> & co" in (e.text or "") for e in root.iter())
    return totals, suppressed

fail_totals, suppressed = check("fail-gate", False)
warn_totals, _ = check("warn-gate", True)
assert suppressed, "the suppression's reason is not shown"
assert warn_totals["failures"] > fail_totals["failures"], (fail_totals, warn_totals)
assert fail_totals["failures"] and fail_totals["errors"], fail_totals
print(f"junit: valid; {fail_totals['tests']} test cases, {fail_totals['failures']} failures "
      f"({warn_totals['failures']} with --fail-on warn), {fail_totals['errors']} errors")
PY
