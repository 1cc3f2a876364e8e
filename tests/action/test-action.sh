#!/usr/bin/env bash
# action.yml run as GitHub's runner runs a composite action: its steps in order, `if:` evaluated,
# `${{ inputs.* }}` and `${{ github.* }}` expressions replaced in `env:` (the runner substitutes
# them before the shell starts), each `run:` with `bash --noprofile --norc -eo pipefail FILE`,
# with GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP set; then the
# action's outputs read from the step's output file as the runner reads it. The build step is
# skipped by giving the binary under test as the `portcheck` input. Checked: no `run:` text holds
# an expression (inputs would become shell code); a failing release ends the step with exit 1,
# outputs exit-code 1, status fail and the SARIF file, writes annotations and the summary; a
# passing file exits 0; a missing input exits 3 with status input-error; paths and targets that
# hold shell syntax stay data.
set -euo pipefail
portcheck=$(realpath "$1") fixtures=$(realpath "$2") source=$(realpath "$3")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$fixtures/release" "$work/release"
cp "$fixtures/glibc-2.17" "$work/old"
/usr/bin/python3 - "$source" "$work" "$portcheck" <<'PY'
import json, os, re, subprocess, sys
import yaml
source, work, portcheck = sys.argv[1:]
action = yaml.safe_load(open(os.path.join(source, "action.yml")))
assert action["runs"]["using"] == "composite"
expression = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
for step in action["runs"]["steps"]:
    assert not expression.search(step["run"]), f"expression in run: of {step['name']}"
    assert step["shell"] == "bash"

def evaluate(text, inputs):
    def value(match):
        name = match.group(1)
        if name.startswith("inputs."): return inputs[name[len("inputs."):]]
        if name == "github.action_path": return source
        sys.exit(f"expression the test does not know: {name}")
    return expression.sub(value, text)

def condition(text, inputs):  # the one form action.yml uses: inputs.X == ''
    match = re.fullmatch(r"\$\{\{\s*inputs\.([\w-]+)\s*==\s*''\s*\}\}", text)
    assert match, text
    return inputs[match.group(1)] == ""

def run_action(name, given):
    inputs = {key: str(spec.get("default", "")) for key, spec in action["inputs"].items()}
    unknown = set(given) - set(inputs)
    assert not unknown, unknown
    inputs.update(given, portcheck=portcheck)
    scratch = os.path.join(work, name)
    os.makedirs(os.path.join(scratch, "tmp"))
    outputs, code, log = {}, 0, ""
    for index, step in enumerate(action["runs"]["steps"]):
        if "if" in step and not condition(step["if"], inputs): continue
        output_file = os.path.join(scratch, f"output-{index}")
        open(output_file, "w").close()
        script = os.path.join(scratch, f"step-{index}.sh")
        open(script, "w").write(step["run"])
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"),
               "GITHUB_ACTION_PATH": source, "GITHUB_OUTPUT": output_file,
               "GITHUB_STEP_SUMMARY": os.path.join(scratch, "summary.md"),
               "RUNNER_TEMP": os.path.join(scratch, "tmp"), "GITHUB_ACTIONS": "true"}
        env.update({key: evaluate(str(value), inputs) for key, value in step.get("env", {}).items()})
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                              cwd=work, env=env, capture_output=True, text=True, timeout=300)
        log += done.stdout + done.stderr
        lines = open(output_file).read().splitlines()
        if "id" in step:
            outputs[step["id"]] = dict(line.split("=", 1) for line in lines)
        code = done.returncode
        if code != 0: break
    step_output = re.compile(r"\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}")
    result = {key: step_output.sub(lambda m: outputs.get(m.group(1), {}).get(m.group(2), ""),
                                   spec["value"])
              for key, spec in action["outputs"].items()}
    return code, result, log, scratch

code, out, log, scratch = run_action("fail", {"paths": "release\nold\n", "targets": "rhel-8,debian-12"})
assert code == 1, (code, log)
assert out == {"exit-code": "1", "status": "fail", "sarif-file": "portcheck.sarif"}, out
assert "::error file=release/bin/tool,title=portcheck glibc-version (rhel-8)::" in log, log
sarif = json.load(open(os.path.join(work, "portcheck.sarif")))
assert len(sarif["runs"][0]["results"]) == 2, sarif["runs"][0]["results"]
assert open(os.path.join(scratch, "summary.md")).read().startswith("## portcheck\n")

code, out, log, _ = run_action("pass", {"paths": "old", "targets": "debian-12",
                                         "sarif-file": "pass.sarif", "html-file": "pass.html"})
assert (code, out["status"], out["sarif-file"]) == (0, "pass", "pass.sarif"), (code, out, log)
assert open(os.path.join(work, "pass.html")).read().startswith("<!DOCTYPE html>")

hostile = "$(touch pwned)\n`touch pwned2`;touch pwned3\n-t\n"
code, out, log, _ = run_action("hostile", {"paths": hostile, "targets": "debian-12;touch pwned4"})
assert code in (2, 3) and out["exit-code"] == str(code), (code, out, log)
assert not [f for f in os.listdir(work) if f.startswith("pwned")], os.listdir(work)

code, out, log, _ = run_action("missing", {"paths": "no-such-file", "targets": "debian-12"})
assert (code, out["status"]) == (3, "input-error"), (code, out, log)
assert "no-such-file" in log

code, out, log, _ = run_action("newline", {"paths": "old", "sarif-file": "a\nb=c"})
assert (code, out["status"]) == (2, "usage-error"), (code, out, log)
print("action.yml: 5 runs as the runner would (a failing release exit 1, a passing file 0, "
      "inputs holding shell syntax kept as data, a missing input 3, a two-line sarif-file 2)")
PY
