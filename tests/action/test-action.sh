#!/usr/bin/env bash
# action.yml run as GitHub's runner runs a composite action: its steps in order, `if:` evaluated
# (comparisons of inputs and step outputs joined by &&), `${{ ... }}` expressions replaced in
# `env:` and `with:` (the runner substitutes them before the step starts), each `run:` with
# `bash --noprofile --norc -eo pipefail FILE`, with GITHUB_ACTION_PATH, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, RUNNER_TEMP and HOME set, and actions/cache/restore and actions/cache/save
# played by a local store of directories by key (restore: exact key, sets cache-hit; save: keeps
# the path under the key); then the action's outputs read from the steps' output files.
#
# Checked: no `run:` text holds an expression (inputs would become shell code); a failing release
# ends the step with exit 1, outputs exit-code 1, status fail and the SARIF file, writes
# annotations and the summary; a passing file exits 0 and writes every report asked for; config
# (a file, `none`, or .portcheck.json found) and baselines reach portcheck; summary false writes no
# summary; inputs holding shell syntax stay data; a missing input exits 3; a two-line file name
# and a non-boolean summary or cache exit 2; with no `portcheck` input and the binary in the cache
# under the key the action computes, the build is skipped and the cached binary runs.
#
# With --build (scripts/test.sh runs it once, as root, after the suite): the cold path for real,
# an empty cache: the key, a miss, the build step (scripts/install-deps.sh and a Release build of
# the action's source), the save, the check; then a second run that restores the saved binary and
# skips the build.
set -euo pipefail
portcheck=$(realpath "$1") fixtures=$(realpath "$2") source=$(realpath "$3") mode=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$fixtures/release" "$work/release"
cp "$fixtures/glibc-2.17" "$work/old"
/usr/bin/python3 - "$source" "$work" "$portcheck" "$mode" <<'PY'
import json, os, re, shutil, subprocess, sys, time
import yaml
source, work, portcheck, mode = sys.argv[1:]
action = yaml.safe_load(open(os.path.join(source, "action.yml")))
assert action["runs"]["using"] == "composite"
expression = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
known_uses = {"actions/cache/restore@v4", "actions/cache/save@v4"}
for step in action["runs"]["steps"]:
    if "uses" in step:
        assert step["uses"] in known_uses, step["uses"]
        continue
    assert not expression.search(step["run"]), f"expression in run: of {step['name']}"
    assert step["shell"] == "bash"

class Job:
    """One job's contexts: the inputs, the steps' outputs, the runner."""
    def __init__(self, inputs, home):
        self.inputs, self.steps, self.home = inputs, {}, home

    def value(self, name):
        if name.startswith("inputs."): return self.inputs[name[len("inputs."):]]
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", name)
        if match: return self.steps.get(match.group(1), {}).get(match.group(2), "")
        if name == "github.action_path": return source
        sys.exit(f"expression the test does not know: {name}")

    def substitute(self, text):
        return expression.sub(lambda match: self.value(match.group(1)), str(text))

    def condition(self, text):  # operand (== | !=) 'literal', joined by &&
        body = re.fullmatch(r"\$\{\{\s*(.*?)\s*\}\}", text.strip()).group(1)
        for term in body.split("&&"):
            match = re.fullmatch(r"\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*", term)
            assert match, f"condition the test does not know: {text}"
            equal = self.value(match.group(1)) == match.group(3)
            if equal != (match.group(2) == "=="): return False
        return True

def cache_path(job, text):
    path = job.substitute(text)
    return os.path.join(job.home, path[2:]) if path.startswith("~/") else path

def play_cache(job, step, store):
    path, key = cache_path(job, step["with"]["path"]), job.substitute(step["with"]["key"])
    assert key.startswith("portcheck-"), key
    if step["uses"].startswith("actions/cache/restore"):
        hit = key in store
        if hit: shutil.copytree(store[key], path, dirs_exist_ok=True)
        return {"cache-hit": "true" if hit else "false", "cache-matched-key": key if hit else ""}
    assert os.path.isdir(path), f"nothing to save at {path}"
    store[key] = os.path.join(work, "cache-store", key)
    shutil.copytree(path, store[key], dirs_exist_ok=True)
    return {}

def run_action(name, given, store=None, timeout=300):
    """Runs the action; returns (exit code, outputs, log, scratch dir, names of steps run)."""
    store = {} if store is None else store
    inputs = {key: str(spec.get("default", "")) for key, spec in action["inputs"].items()}
    unknown = set(given) - set(inputs)
    assert not unknown, unknown
    inputs.update(given)
    scratch = os.path.join(work, name)
    home = os.path.join(scratch, "home")
    os.makedirs(os.path.join(scratch, "tmp"))
    os.makedirs(home)
    job = Job(inputs, home)
    code, log, ran = 0, "", []
    for index, step in enumerate(action["runs"]["steps"]):
        if "if" in step and not job.condition(step["if"]): continue
        ran.append(step["name"])
        if "uses" in step:
            outputs = play_cache(job, step, store)
        else:
            output_file = os.path.join(scratch, f"output-{index}")
            open(output_file, "w").close()
            script = os.path.join(scratch, f"step-{index}.sh")
            open(script, "w").write(step["run"])
            env = {"PATH": os.environ["PATH"], "HOME": home, "GITHUB_ACTION_PATH": source,
                   "GITHUB_OUTPUT": output_file,
                   "GITHUB_STEP_SUMMARY": os.path.join(scratch, "summary.md"),
                   "RUNNER_TEMP": os.path.join(scratch, "tmp"), "GITHUB_ACTIONS": "true"}
            env.update({key: job.substitute(value) for key, value in step.get("env", {}).items()})
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                                  cwd=work, env=env, capture_output=True, text=True,
                                  timeout=timeout)
            log += done.stdout + done.stderr
            outputs = dict(line.split("=", 1) for line in open(output_file).read().splitlines())
            code = done.returncode
        if "id" in step: job.steps[step["id"]] = outputs
        if code != 0: break
    result = {key: job.substitute(spec["value"]) for key, spec in action["outputs"].items()}
    return code, result, log, scratch, ran

def read(*parts): return open(os.path.join(*parts)).read()
check_only = ["portcheck"]

if mode == "--build":
    store = {}
    started = time.monotonic()
    code, out, log, scratch, ran = run_action("cold", {"paths": "old", "targets": "debian-12"},
                                              store, timeout=3600)
    build_seconds = time.monotonic() - started
    assert code == 0, (code, log[-4000:])
    assert ran == ["Cache key of portcheck", "Restore portcheck", "Build portcheck",
                   "Save portcheck", "portcheck"], ran
    assert out["cache-hit"] == "false" and len(store) == 1, (out, store)
    built = os.path.join(scratch, "home/.cache/portcheck-action/bin/portcheck")
    version = subprocess.run([built, "--version"], capture_output=True, text=True).stdout
    assert version == subprocess.run([portcheck, "--version"], capture_output=True,
                                     text=True).stdout, version
    code, out, log, scratch, ran = run_action("warm", {"paths": "old", "targets": "debian-12"},
                                              store)
    assert (code, out["cache-hit"]) == (0, "true"), (code, out, log)
    assert ran == ["Cache key of portcheck", "Restore portcheck", "portcheck"], ran
    print(f"action.yml cold path: key, cache miss, build ({build_seconds:.0f} s from an empty "
          f"cache, {version.strip()}), save, check exit 0; warm path: restored, build skipped")
    sys.exit(0)

given = {"portcheck": portcheck}
code, out, log, scratch, ran = run_action(
    "fail", {**given, "paths": "release\nold\n", "targets": "rhel-8,debian-12"})
assert ran == check_only, ran
assert code == 1, (code, log)
assert out == {"exit-code": "1", "status": "fail", "sarif-file": "portcheck.sarif",
               "cache-hit": ""}, out
assert "::error file=release/bin/tool,title=portcheck glibc-version (rhel-8)::" in log, log
sarif = json.load(open(os.path.join(work, "portcheck.sarif")))
assert len(sarif["runs"][0]["results"]) == 2, sarif["runs"][0]["results"]
assert read(scratch, "summary.md").startswith("## portcheck\n")

reports = {"sarif-file": "pass.sarif", "html-file": "pass.html", "json-file": "pass.json",
           "junit-file": "pass.xml", "gitlab-file": "pass-gitlab.json",
           "markdown-file": "pass.md"}
code, out, log, scratch, _ = run_action(
    "pass", {**given, "paths": "old", "targets": "debian-12", **reports})
assert (code, out["status"], out["sarif-file"]) == (0, "pass", "pass.sarif"), (code, out, log)
assert read(work, "pass.html").startswith("<!DOCTYPE html>")
assert json.load(open(os.path.join(work, "pass.json")))["files"][0]["path"] == "old"
assert read(work, "pass.xml").startswith("<?xml")
assert json.load(open(os.path.join(work, "pass-gitlab.json"))) == []
assert read(work, "pass.md").startswith("## portcheck\n")
assert read(scratch, "summary.md") == read(work, "pass.md")

# The configuration: .portcheck.json of the working directory, `none`, a file of its own.
json.dump({"targets": ["rhel-8"]}, open(os.path.join(work, ".portcheck.json"), "w"))
json.dump({"targets": ["debian-12"]}, open(os.path.join(work, "ci.json"), "w"))
def targets_of(name, extra):
    code, out, log, _, _ = run_action(name, {**given, "paths": "release", "json-file":
                                             f"{name}.json", "summary": "false", **extra})
    report = json.load(open(os.path.join(work, f"{name}.json")))
    return code, sorted(report["targets"])
assert targets_of("found", {}) == (1, ["rhel-8"])
assert targets_of("own", {"config": "ci.json"}) == (0, ["debian-12"])
code, targets = targets_of("none", {"config": "none"})
assert len(targets) > 2 and "debian-12" in targets, targets  # the default set
os.remove(os.path.join(work, ".portcheck.json"))
assert not os.path.exists(os.path.join(work, "none", "summary.md")), "summary: false wrote one"

code, out, log, _, _ = run_action("baselines", {**given, "paths": "old",
                                                "baselines": "no-such-table.json"})
assert (code, out["status"]) == (2, "usage-error") or code == 3, (code, out, log)
assert "no-such-table.json" in log, log

hostile = "$(touch pwned)\n`touch pwned2`;touch pwned3\n-t\n"
code, out, log, _, _ = run_action("hostile", {**given, "paths": hostile,
                                              "targets": "debian-12;touch pwned4"})
assert code in (2, 3) and out["exit-code"] == str(code), (code, out, log)
assert not [f for f in os.listdir(work) if f.startswith("pwned")], os.listdir(work)

code, out, log, _, _ = run_action("missing", {**given, "paths": "no-such-file",
                                              "targets": "debian-12"})
assert (code, out["status"]) == (3, "input-error"), (code, out, log)
assert "no-such-file" in log

for name, bad in [("newline", {"sarif-file": "a\nb=c"}), ("junit-newline", {"junit-file": "x\ny"}),
                  ("summary", {"summary": "yes"})]:
    code, out, log, _, _ = run_action(name, {**given, "paths": "old", **bad})
    assert (code, out["status"]) == (2, "usage-error"), (name, code, out, log)
code, out, log, _, ran = run_action("cache-word", {"paths": "old", "cache": "maybe"})
assert code == 2 and ran == ["Cache key of portcheck"], (code, ran, log)
assert "cache must be true or false" in log, log

# The warm path: the binary under test in the cache under the key the action computes.
key_file = os.path.join(work, "key-output")
subprocess.run([os.path.join(source, "scripts/github-action.sh"), "key"], check=True,
               env={"PATH": os.environ["PATH"], "HOME": work, "GITHUB_OUTPUT": key_file})
key = read(key_file).strip().split("=", 1)[1]
seeded = os.path.join(work, "seed")
os.makedirs(seeded)
shutil.copy(portcheck, os.path.join(seeded, "portcheck"))
code, out, log, _, ran = run_action("warm", {"paths": "old", "targets": "debian-12"},
                                    {key: seeded})
assert (code, out["cache-hit"], out["status"]) == (0, "true", "pass"), (code, out, log)
assert ran == ["Cache key of portcheck", "Restore portcheck", "portcheck"], ran
code, out, log, _, ran = run_action("other-key", {"paths": "old", "portcheck": portcheck},
                                    {key: seeded})
assert ran == check_only, ran
print("action.yml: 14 runs as the runner would (a failing release exit 1; a passing file 0 "
      "with SARIF, HTML, JSON, JUnit, GitLab and Markdown reports; config found, named and "
      "none; a missing table; inputs holding shell syntax kept as data; a missing input 3; "
      "two-line file names, summary and cache words 2; the binary restored from the cache "
      "and the build skipped)")
PY
