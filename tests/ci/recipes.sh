#!/usr/bin/env bash
# The CI recipes of docs/ci.md, run as their CI system would run them: the GitLab CI job's
# `script` lines (from the YAML block of "GitLab CI") one by one with `bash -e`, as GitLab's
# shell executor does, in a scratch project whose dist/ holds the release fixture; then what
# GitLab would take from it: the job fails (exit 1), and the files its `artifacts:reports` name
# (junit, codequality) exist and are what GitLab parses (the JUnit file validates against
# Jenkins' schema when the schema is there; the code-quality file has issues located on files
# under dist/). The plain shell step (the `sh` block of "A plain shell step") runs with sh and
# ends as the doc says. portcheck is the binary given, first on PATH; the `before_script` that
# builds it there is not run.
set -euo pipefail
portcheck=$(realpath "$1") fixtures=$(realpath "$2") doc=$(realpath "$3")
tools_dir=${PORTCHECK_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/portcheck-test-tools}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/gitlab/dist" "$work/shell"
ln -s "$portcheck" "$work/bin/portcheck"
export PATH="$work/bin:$PATH"

# The fenced block of LANGUAGE that follows the heading HEADING in the doc.
block() {  # HEADING LANGUAGE
  /usr/bin/python3 - "$doc" "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
section = text.split("\n## " + sys.argv[2] + "\n", 1)[1].split("\n## ", 1)[0]
match = re.search(r"```" + sys.argv[3] + r"\n(.*?)```", section, re.S)
sys.stdout.write(match.group(1))
PY
}

echo "== GitLab CI"
block "GitLab CI" yaml >"$work/gitlab-ci.yml"
cp -r "$fixtures/release/." "$work/gitlab/dist/"
/usr/bin/python3 - "$work/gitlab-ci.yml" "$work/gitlab" "$tools_dir" <<'PY'
import json, os, subprocess, sys
import yaml
job = yaml.safe_load(open(sys.argv[1]))["portcheck"]
project, tools = sys.argv[2], sys.argv[3]
status = 0
log = open(os.path.join(project, "job.log"), "w+")
for line in job["script"]:
    print("$", line, file=log, flush=True)
    status = subprocess.run(["bash", "-e", "-c", line], cwd=project, stdout=log,
                            stderr=subprocess.STDOUT).returncode
    if status:
        break
if status != 1:
    log.seek(0)
    print(log.read()[-3000:])
assert status == 1, f"the job should fail on the release (exit 1), got {status}"
reports = job["artifacts"]["reports"]
assert job["artifacts"]["when"] == "always", "artifacts of a failed job would be lost"
junit = os.path.join(project, reports["junit"])
quality = os.path.join(project, reports["codequality"])
schema = os.path.join(tools, "junit", "jenkins-junit.xsd")
if os.path.exists(schema):
    valid = subprocess.run(["xmllint", "--noout", "--schema", schema, junit],
                           capture_output=True, text=True)
    assert valid.returncode == 0, valid.stderr[-2000:]
else:
    print("(JUnit schema missing: the JUnit file is only parsed)")
    import xml.etree.ElementTree as ET
    ET.parse(junit)
issues = json.load(open(quality))
paths = sorted({i["location"]["path"] for i in issues})
assert issues and all(p.startswith("dist/") for p in paths), paths
for path in job["artifacts"].get("paths", []):
    assert os.path.exists(os.path.join(project, path)), path
print(f"gitlab recipe: exit {status}; {len(issues)} code-quality issues on {', '.join(paths)}")
PY

echo "== a plain shell step"
block "A plain shell step" sh >"$work/shell/check.sh"
cp -r "$fixtures/release" "$fixtures/glibc-2.28" "$work/shell/"
status=0
(cd "$work/shell" && sh check.sh >out.log 2>&1) || status=$?
tail -n 1 "$work/shell/out.log"
[ "$status" = 1 ] || { cat "$work/shell/out.log"; echo "shell step: exit $status, not 1"; exit 1; }
grep -q "^portcheck: some file fails a target" "$work/shell/out.log" ||
  { echo "shell step: the failure message is missing"; exit 1; }
[ -s "$work/shell/portcheck.json" ] || { echo "shell step: no portcheck.json"; exit 1; }
echo "shell recipe: exit 1 with its message and portcheck.json"
