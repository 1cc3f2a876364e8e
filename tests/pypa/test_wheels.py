#!/usr/bin/env python3
"""CTest pypa: the best tag of each fixture wheel, as portcheck reports it, against the tag
auditwheel gives (expected-tags.txt) and against auditwheel_tag.py's own reading of the
policies; the wheel-tag check of each file name; and the gate: a wheel named for a tag it does
not earn fails the run even when every selected target passes.

  test_wheels.py PORTCHECK FIXTURE_DIR
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import auditwheel_tag  # noqa: E402


def expectations():
    for line in (HERE / "expected-tags.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            wheel, tags, fails = line.split()
            yield wheel, tags.split(","), int(fails)


def report_of(portcheck, wheel, *args):
    run = subprocess.run([portcheck, "--no-config", "--format", "json", *args, str(wheel)],
                         capture_output=True, text=True)
    return run.returncode, json.loads(run.stdout)


def check_wheel(portcheck, wheel, tags, fails):
    problems = []
    _, report = report_of(portcheck, wheel, "-t", "@pypa")
    release = report["releases"][0]
    got = [t["tag"] for t in release["policy_tags"]]
    if got != tags:
        problems.append(f"best tags {got}, expected {tags}")
    refused = [f for f in release["wheel_tag"] if f["severity"] == "fail"]
    if len(refused) != fails:
        problems.append(f"{len(refused)} wheel-tag fails, expected {fails}: "
                        f"{[f['message'] for f in refused]}")
    if len(tags) == 1:
        oracle = auditwheel_tag.wheel_tag(wheel)
        if oracle != tags[0]:
            problems.append(f"auditwheel_tag.py reads {oracle}, expected {tags[0]}")
    for file in report["files"]:
        if file["policy_tag"] is None:
            problems.append(f"{file['path']}: no tag of its own")
    return problems


def check_gate(portcheck, wheels):
    """debian-12 passes both files; only the misnamed wheel fails the run."""
    problems = []
    for name, expected in (("glibc217-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"
                            ".whl", 0), ("mistagged-1.0-cp311-cp311-manylinux2014_x86_64.whl", 1)):
        code, report = report_of(portcheck, wheels / name, "-t", "debian-12")
        if code != expected or report["summary"]["releases_failed"] != expected:
            problems.append(f"{name}: exit {code}, releases_failed "
                            f"{report['summary']['releases_failed']}; expected {expected}")
    return problems


def check_listing(portcheck):
    """--list-targets @pypa: every policy of auditwheel's files, each with its source."""
    run = subprocess.run([portcheck, "--list-targets", "@pypa", "--format", "json"],
                         capture_output=True, text=True, check=True)
    listed = {t["policy"]["tag"]: t for t in json.loads(run.stdout)["targets"]}
    names = set()
    for file_name in ("manylinux-policy.json", "musllinux-policy.json"):
        policy_file = HERE.parent.parent / "data" / "pypa" / file_name
        names |= {p["name"] for p in json.loads(policy_file.read_text()) if p["name"] != "linux"}
    problems = [f"--list-targets @pypa lacks {n}" for n in sorted(names - set(listed))]
    problems += [f"--list-targets @pypa: {tag} has no source"
                 for tag, t in listed.items() if not t["policy"]["source"]]
    text = subprocess.run([portcheck, "--list-targets", "@pypa"], capture_output=True, text=True,
                          check=True).stdout
    problems += [f"--list-targets @pypa (text) lacks {n}" for n in sorted(names) if n not in text]
    return problems


def make_wheel(work, name, fixtures, *members):
    """A wheel in `work` holding each fixture under pkg/."""
    pairs = [f"{fixtures / m}=pkg/{pathlib.Path(m).name}" for m in members]
    subprocess.run(["bash", str(HERE.parent.parent / "fixtures" / "make-wheel.sh"),
                    str(work / name), *pairs], check=True)
    return work / name


def wheel_fails(report, path):
    for release in report["releases"]:
        if release["path"] == str(path):
            return [f["message"] for f in release["wheel_tag"]
                    if f["severity"] == "fail" and f["suppressed"] is None]
    return None


def check_names(portcheck, fixtures):
    """Names the fixture wheels do not cover: each case, the fails it must give."""
    problems = []
    cases = [  # wheel name, members, expected fails, a word the first must contain
        ("static-1.0-cp311-cp311-musllinux_1_2_x86_64.whl", ["musl-static-pie"], 0, ""),
        ("nolibc-1.0-cp311-cp311-musllinux_1_1_x86_64.whl", ["libnolibc.so"], 0, ""),
        ("pep600-1.0-cp311-cp311-manylinux_2_30_x86_64.whl", ["glibc-2.28"], 0, ""),
        ("pep600low-1.0-cp311-cp311-manylinux_2_25_x86_64.whl", ["glibc-2.28"], 1,
         "need manylinux_2_28_x86_64"),
        ("two-1.0-cp311-cp311-manylinux2014_x86_64.whl", ["glibc-2.28", "glibc-2.34"], 1,
         "earns is manylinux_2_34_x86_64"),
        ("mixed-1.0-cp311-cp311-manylinux_2_28_x86_64.whl", ["glibc-2.28", "musl-dynamic"], 2,
         "another libc"),
        ("repeat-1.0-cp311-cp311-manylinux1_x86_64.manylinux1_x86_64.whl", ["glibc-2.28"], 1, ""),
        ("pep656-1.0-cp311-cp311-musllinux_1_3_x86_64.whl", ["libnolibc.so"], 0, ""),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        for name, members, expected, word in cases:
            wheel = make_wheel(work, name, fixtures, *members)
            _, report = report_of(portcheck, wheel, "-t", "debian-12")
            fails = wheel_fails(report, wheel)
            if fails is None or len(fails) != expected or (word and word not in fails[0]):
                problems.append(f"{name}: wheel-tag fails {fails}, expected {expected} ({word})")
        # A wheel in a directory is checked as a wheel; a used suppression is not "unused".
        dist = work / "dist"
        dist.mkdir()
        shutil.copy(fixtures / "wheels" / "mistagged-1.0-cp311-cp311-manylinux2014_x86_64.whl",
                    dist)
        code, report = report_of(portcheck, dist, "-t", "debian-12")
        nested = dist / "mistagged-1.0-cp311-cp311-manylinux2014_x86_64.whl"
        if code != 1 or len(wheel_fails(report, nested) or []) != 1:
            problems.append(f"dist/: exit {code}, nested wheel fails {wheel_fails(report, nested)}")
        config = work / "config.json"
        config.write_text(json.dumps({"suppressions": [
            {"rule": "wheel-tag", "file": "*.whl", "reason": "renamed on upload"}]}))
        run = subprocess.run([portcheck, "--config", str(config), "--format", "json", "-t",
                              "debian-12", str(nested)], capture_output=True, text=True)
        report = json.loads(run.stdout)
        if run.returncode != 0 or report["unused_suppressions"]:
            problems.append(f"suppressed wheel-tag: exit {run.returncode}, unused "
                            f"{report['unused_suppressions']}")
        problems += check_nesting(portcheck, fixtures, work)
    return problems


def check_nesting(portcheck, fixtures, work):
    """What is a wheel: an archive holding the file, not a name that reads '.whl!/'."""
    problems = []
    fake = work / "bang" / "fake-1.0-py3-none-any.whl!"
    fake.mkdir(parents=True)
    shutil.copy(fixtures / "glibc-2.28", fake / "x.so")
    code, report = report_of(portcheck, work / "bang", "-t", "debian-12")
    if code != 0 or any(r.get("wheel_tag") for r in report["releases"]):
        problems.append(f"a directory named *.whl!: exit {code}, releases "
                        f"{[r['path'] for r in report['releases']]}")
    inner = fixtures / "wheels" / "mistagged-1.0-cp311-cp311-manylinux2014_x86_64.whl"
    outer = make_wheel(work, "outer-1.0-cp311-cp311-manylinux2014_x86_64.whl", fixtures,
                       "glibc-2.17", "wheels/" + inner.name)
    _, report = report_of(portcheck, outer, "-t", "debian-12")
    by_path = {r["path"]: r for r in report["releases"]}
    outer_fails = wheel_fails(report, outer)
    if outer_fails != [] or len(report["releases"]) != 2 or \
            [t["tag"] for t in by_path[str(outer)]["policy_tags"]] != ["manylinux_2_17_x86_64"]:
        problems.append(f"a wheel in a wheel: outer fails {outer_fails}, releases {list(by_path)}")
    code, report = report_of(portcheck, work / "dist", "-t", "debian-12",
                             str(work / "dist" / inner.name))
    if len(report["releases"]) != 2 or report["summary"]["releases_failed"] != 1:
        problems.append(f"a wheel named and in its directory: releases "
                        f"{[r['path'] for r in report['releases']]}, "
                        f"{report['summary']['releases_failed']} failed")
    mixed = work / "mixed-1.0-cp311-cp311-manylinux_2_28_x86_64.whl"
    run = subprocess.run([portcheck, "--no-config", "--format", "gitlab", "-t", "debian-12",
                          str(mixed)], capture_output=True, text=True)
    prints = [i["fingerprint"] for i in json.loads(run.stdout) if i["check_name"] == "wheel-tag"]
    if len(prints) != 2 or len(set(prints)) != 2:
        problems.append(f"gitlab: wheel-tag fingerprints {prints}, expected two distinct")
    return problems


def main():
    portcheck, fixtures = sys.argv[1], pathlib.Path(sys.argv[2])
    wheels = fixtures / "wheels"
    problems = []
    count = 0
    for name, tags, fails in expectations():
        count += 1
        problems += [f"{name}: {p}" for p in check_wheel(portcheck, wheels / name, tags, fails)]
    problems += check_gate(portcheck, wheels)
    problems += check_listing(portcheck)
    problems += check_names(portcheck, fixtures)
    for problem in problems:
        print(problem)
    print(f"pypa: {count} wheels, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
