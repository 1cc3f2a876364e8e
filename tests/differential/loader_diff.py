#!/usr/bin/env python3
"""Differential test of portcheck's verdicts against the real dynamic loader.

For every x86_64 ELF file of the extracted corpus (scripts/corpus.sh) and every root file system
of scripts/debian-roots.sh, `chroot ROOT /usr/bin/ldd FILE` tells whether that root's ld.so would
load the file (a NEEDED library it cannot find, a version it lacks), and portcheck's JSON report
tells what portcheck says for the matching target. The two are compared per (file, target); see
tests/differential/LOADER.md. scripts/loader-diff.sh prepares the inputs (roots, corpus, the
portcheck binary, the hard links of the corpus inside each root) and runs this file.

Python 3 standard library only. The parsing and comparing functions are imported by
loader_diff_selftest.py.
"""

import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import time

# The rules counted, in one place: those whose findings say whether the loader will load the file.
# NEEDED libraries (a soname the loader does not find):
LIBRARY_RULES = ("needed-library", "tls-library")
# Symbol versions (a version the loader does not find in the library that should define it):
VERSION_RULES = ("glibc-version", "libstdcxx-version", "libgcc-version", "library-version",
                 "version-definition")
# Counted one way only: a fail explains a refusal of the loader, but a fail where the loader loads
# the file is not a false fail (it is counted apart, as a note), and its versions are culprits only
# when ldd names them too. glibc-private fails GLIBC_PRIVATE on every target, however new, because
# the symbols behind it differ between glibc builds; ld.so in trace mode checks only that the
# version exists, which libc.so.6 and ld.so of every glibc define, so glibc's own libraries load
# on their own glibc. The loader does refuse it where a library lacks it (libpthread.so.0 of glibc
# 2.34 and later), and later fails to bind a private symbol that is gone (`ldd -r`). LOADER.md.
ONE_WAY_RULES = ("glibc-private",)
COUNTED_RULES = LIBRARY_RULES + VERSION_RULES + ONE_WAY_RULES
# Findings of these rules that come from a release library the file loads ("via PATH: ...") count
# too. Every other rule (architecture, libc-flavour, interpreter-path, relr, x86-isa-level,
# kernel-version, exec-stack, ca-bundle, openssl-dir, openssl-support, rpath-build-path,
# static-nss, musl-glibc-versions) is about something ldd does not check (it picks its loader
# itself, not through PT_INTERP) and is ignored.

# Where the corpus is made visible inside each root (scripts/loader-diff.sh makes the hard links).
MOUNT = "/tmp/portcheck-loader-diff"

SEVERITY_RANK = {"info": 0, "warn": 1, "fail": 2}

CLASSES = (
    ("false-pass", "(a) false pass: the loader refuses, portcheck has no fail and no library warn"),
    ("false-fail", "(b) false fail: the loader loads it, portcheck has a fail"),
    ("noise", "(c) noise: the loader loads it, portcheck warns about a library"),
    ("wrong-culprit", "(d) wrong culprit: both refuse, the sonames not found differ"),
    ("wrong-version",
     "(e) wrong version: both refuse, same sonames, the versions not found differ"),
    ("loader-unparsed", "(u) ldd output not understood (the comparison cannot judge the file)"),
)
DISAGREEMENTS = tuple(name for name, _ in CLASSES)

MACHINES = {3: "i386", 8: "mips", 20: "ppc", 21: "ppc64", 22: "s390", 40: "arm", 62: "x86_64",
            183: "aarch64", 243: "riscv", 247: "bpf", 258: "loongarch"}

def die(message):
    """A setup problem: the test cannot judge (exit code 2, not 1, which means disagreements)."""
    print(message, file=sys.stderr, flush=True)
    sys.exit(2)


# --- ldd ---------------------------------------------------------------------------------------

RE_NOT_FOUND = re.compile(r"^\t(\S+) => not found$")
RE_FOUND = re.compile(r"^\t(\S+) => (.+) \(0x[0-9a-f]+\)$")
RE_BARE = re.compile(r"^\t(\S+) \(0x[0-9a-f]+\)$")
RE_VERSION = re.compile(r"^(.+): (weak )?version `([^']*)' not found \(required by (.+)\)$")
RE_STATIC = re.compile(r"^\t(not a dynamic executable|statically linked)$")
RE_IGNORED = re.compile(r"^ldd: warning: you do not have execution permission for `.*'$")
# A library without any version definition, asked for versions: ld.so warns and goes on
# (elf/dl-version.c, match_symbol).
RE_NO_VERSION_INFO = re.compile(r"^(.+): no version information available \(required by (.+)\)$")


def parse_ldd(stdout, stderr, rc):
    """What ldd says: the sonames not found, the sonames found (=> path), the version lines
    (library, version, required by, weak), whether the file is static, and the lines and exit
    code that none of that explains."""
    result = {"not_found": [], "found": {}, "versions": [], "static": False, "unknown": [],
              "warnings": [], "rc": rc, "lines": []}
    for line in (stderr + stdout).splitlines():
        if not line.strip():
            continue
        result["lines"].append(line)
        m = RE_NOT_FOUND.match(line)
        if m:
            if m.group(1) not in result["not_found"]:
                result["not_found"].append(m.group(1))
            continue
        m = RE_FOUND.match(line)
        if m:
            result["found"].setdefault(m.group(1), m.group(2))
            continue
        if RE_BARE.match(line) or RE_IGNORED.match(line):
            continue
        if RE_STATIC.match(line):
            result["static"] = True
            continue
        if RE_NO_VERSION_INFO.match(line):
            result["warnings"].append(line)
            continue
        m = RE_VERSION.match(line)
        if m:
            # "PROGRAM: LIBRARY: version `V' not found (required by OBJECT)"
            library = m.group(1).rsplit(": ", 1)[-1]
            result["versions"].append({"library": library, "version": m.group(3),
                                       "required_by": m.group(4), "weak": bool(m.group(2))})
            continue
        result["unknown"].append(line)
    # ldd exits 1 for a file ld.so will not take as dynamic ("not a dynamic executable"); any other
    # non-zero exit is not explained by the lines above.
    if rc != 0 and not (result["static"] and rc == 1):
        result["unknown"].append(f"(ldd exit code {rc})")
    return result


def loader_refuses(ldd):
    """The loader refuses a file when a NEEDED soname is not found or a version need that is not
    flagged weak is not defined. A missing weak version need is a warning of ld.so only."""
    return bool(ldd["not_found"]) or any(not v["weak"] for v in ldd["versions"])


def attribute_ldd(ldd, file_key, needed, to_key, needed_of):
    """Which object each problem ldd reports belongs to. ldd prints one flat list, so a soname not
    found is the file's own when it is among the file's NEEDED entries, else it is attributed to a
    corpus library ldd found (loaded through the file's RUNPATH/RPATH) that needs it, else to a
    library of the root. to_key maps a path inside the root to a corpus key (None outside the
    corpus); needed_of gives the NEEDED list of a corpus key. Returns lists of
    (soname, owner) and (version, library, owner) with owner "" for the file itself, a corpus
    key for a loaded corpus library, or "system:PATH"/"system" for a library of the root."""
    loaded = []
    for soname, path in ldd["found"].items():
        key = to_key(path)
        if key is not None and key != file_key:
            loaded.append(key)
    sonames = []
    for soname in ldd["not_found"]:
        if soname in needed:
            sonames.append((soname, ""))
            continue
        owner = next((k for k in loaded if soname in needed_of(k)), "system")
        sonames.append((soname, owner))
    versions = []
    for v in ldd["versions"]:
        if v["weak"]:
            continue
        key = to_key(v["required_by"])
        if key == file_key:
            owner = ""
        elif key is not None:
            owner = key
        else:
            owner = "system:" + v["required_by"]
        versions.append((v["version"], v["library"], owner))
    return sonames, versions


# --- portcheck ---------------------------------------------------------------------------------

def decode_json_string(text):
    """The bytes a portcheck JSON string stands for (docs/json.md#strings), as a str with
    surrogate escapes for bytes that are not UTF-8."""
    if "\\" not in text:
        return text
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and text.startswith("\\\\", i):
            out += b"\\"
            i += 2
        elif c == "\\" and re.match(r"\\x[0-9a-f]{2}", text[i:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out += c.encode("utf-8", "surrogateescape")
            i += 1
    return out.decode("utf-8", "surrogateescape")


def version_of(culprit):
    """The version a culprit names: `symbol@VERSION`, or a bare version."""
    return culprit.rpartition("@")[2]


def rule_kind(rule):
    if rule in LIBRARY_RULES:
        return "library"
    return "one-way" if rule in ONE_WAY_RULES else "version"


RE_LIBRARY_VERSION = re.compile(r"^needs .+? of (\S+), which ")


def library_of_version_finding(rule, message):
    """The library a library-version or version-definition finding is about ("needs V of
    SONAME, which ..."), else "".
    """
    if rule not in ("library-version", "version-definition"):
        return ""
    found = RE_LIBRARY_VERSION.search(message)
    return found.group(1) if found else ""


def portcheck_view(file_obj, target):
    """The findings of the counted rules of one file on one target: dicts with rule, kind (library,
    version or one-way), severity, message, culprits and via (the loaded library's path, or
    "")."""
    loads = [decode_json_string(p) for p in file_obj.get("loads", [])]
    findings = []
    for t in file_obj.get("targets", []):
        if t["id"] != target:
            continue
        for f in t["findings"]:
            if f["rule"] not in COUNTED_RULES or f.get("suppressed"):
                continue
            message = decode_json_string(f["message"])
            via = ""
            if message.startswith("via "):
                via = next((p for p in loads if message.startswith(f"via {p}: ")), "?")
            findings.append({"rule": f["rule"],
                             "kind": rule_kind(f["rule"]),
                             "library": library_of_version_finding(f["rule"], message),
                             "severity": f["severity"], "message": message,
                             "culprits": [decode_json_string(c) for c in f["culprits"]],
                             "via": via})
    return findings


def portcheck_sets(findings):
    """What portcheck says, as a dict: fails (a fail of a rule counted both ways), one_way (a fail
    of a rule counted one way), library_warn (a warn about a library), sonames (named as missing,
    warn or fail, the file's own and via a loaded library), versions (of failing version findings)
    and optional_versions (those of the one-way rules)."""
    def versions_of(kind):
        return {version_of(c) for f in findings if f["kind"] == kind and f["severity"] == "fail"
                for c in f["culprits"]}

    def version_libraries():
        """version -> the libraries portcheck names it missing from ("" for glibc's rules)."""
        named = collections.defaultdict(set)
        for f in findings:
            if f["kind"] == "version" and f["severity"] == "fail":
                for c in f["culprits"]:
                    named[version_of(c)].add(f.get("library", ""))
        return named
    return {
        "fails": any(f["severity"] == "fail" and f["kind"] != "one-way" for f in findings),
        "one_way": any(f["severity"] == "fail" and f["kind"] == "one-way" for f in findings),
        "library_warn": any(f["kind"] == "library" and f["severity"] == "warn" for f in findings),
        "sonames": {c for f in findings if f["kind"] == "library"
                    and f["severity"] in ("warn", "fail") for c in f["culprits"]},
        "versions": versions_of("version"),
        "optional_versions": versions_of("one-way"),
        "version_library": version_libraries(),
    }


def portcheck_refuses(pc):
    """portcheck refuses a file on a target when it fails it, or warns about a library (one the
    target does not have by default, or that the table does not know: in a minimal root the loader
    does not find it). A version warn (a weak version need) is not a refusal."""
    return pc["fails"] or pc["one_way"] or pc["library_warn"]


# --- the comparison ----------------------------------------------------------------------------

def classify(ldd, attributed, findings):
    """One (file, target): the class ("agree" or one of DISAGREEMENTS) and the differences."""
    sonames, versions = attributed
    pc = portcheck_sets(findings)
    detail = {}
    if ldd["unknown"]:
        return "loader-unparsed", detail
    refuses = loader_refuses(ldd)
    if refuses and not portcheck_refuses(pc):
        return "false-pass", detail
    if not refuses and pc["fails"]:
        return "false-fail", detail
    if not refuses and pc["library_warn"]:
        return "noise", detail
    if refuses:
        ld_sonames = {s for s, owner in sonames if not owner.startswith("system")}
        ld_versions = {v for v, _, owner in versions if not owner.startswith("system")}
        pc_sonames = pc["sonames"]
        pc_versions = pc["versions"] | (pc["optional_versions"] & ld_versions)
        # ldd checks no version of a library it did not find: what portcheck knows of that
        # library's versions there (the archive's package) cannot be compared.
        pc_versions = {v for v in pc_versions
                       if not pc["version_library"].get(v) or
                       not pc["version_library"][v] <= ld_sonames}
        if ld_sonames != pc_sonames:
            detail["sonames"] = (sorted(ld_sonames - pc_sonames), sorted(pc_sonames - ld_sonames))
        if ld_versions != pc_versions:
            detail["versions"] = (sorted(ld_versions - pc_versions),
                                  sorted(pc_versions - ld_versions))
        if "sonames" in detail:
            return "wrong-culprit", detail
        if detail:
            return "wrong-version", detail
    return "agree", detail


def causes(cls, ldd, attributed, findings, detail):
    """Short labels of what makes a disagreement, for the counts of the most frequent causes."""
    sonames, versions = attributed
    if cls == "false-pass":
        return ([f"not found {s}" for s, _ in sonames]
                + sorted({f"version {v} of {lib.rsplit('/', 1)[-1]}" for v, lib, _ in versions}))
    if cls == "false-fail":
        return sorted({f"{f['rule']}: " + (f["culprits"][0] if f["kind"] == "library"
                                           else version_of(f["culprits"][0]))
                       for f in findings if f["severity"] == "fail" and f["kind"] != "one-way"
                       and f["culprits"]})
    if cls == "noise":
        return sorted({f"{f['rule']}: {c}" for f in findings
                       if f["kind"] == "library" and f["severity"] == "warn"
                       for c in f["culprits"]})
    if cls in ("wrong-culprit", "wrong-version"):
        out = []
        for what, (only_ldd, only_pc) in sorted(detail.items()):
            out += [f"{what}: only ldd {x}" for x in only_ldd]
            out += [f"{what}: only portcheck {x}" for x in only_pc]
        return out
    if cls == "loader-unparsed":
        return [re.sub(r"0x[0-9a-f]+|/tmp/portcheck-loader-diff/\S+", "…", u)
                for u in ldd["unknown"]]
    return []


def relevant_ldd_lines(cls, ldd, findings):
    """The lines of ldd's output that an example shows."""
    keep = []
    warned = {c for f in findings if f["kind"] == "library" for c in f["culprits"]}
    for line in ldd["lines"]:
        if "not found" in line or RE_STATIC.match(line) or line in ldd["unknown"]:
            keep.append(line)
        else:
            m = RE_FOUND.match(line)
            if m and m.group(1) in warned:
                keep.append(line)
    keep += [u for u in ldd["unknown"] if u not in keep]
    return keep or ["(loads: every NEEDED library found, no version missing)"]


# --- the run -----------------------------------------------------------------------------------

def pick_examples(records, count):
    """Examples of a class: the first record of each of its most frequent causes, then the first
    records, so that they show different causes (and targets) where there are several."""
    freq = collections.Counter(label for rec in records for label in rec["labels"])
    picked = []
    for label, _ in freq.most_common():
        if len(picked) >= count:
            break
        rec = next((r for r in records if label in r["labels"] and r not in picked), None)
        if rec is not None:
            picked.append(rec)
    picked += [r for r in records if r not in picked][:count - len(picked)]
    return picked


def elf_header(path):
    """(class, data, type, machine) of an ELF file, or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(20)
    except OSError:
        return None
    if len(head) < 20 or head[:4] != b"\x7fELF":
        return None
    order = ">" if head[5] == 2 else "<"
    e_type, e_machine = struct.unpack(order + "HH", head[16:20])
    return head[4], head[5], e_type, e_machine


class Corpus:
    """The regular ELF files below CORPUS/<suite>/root/<package>/, grouped by inode (hard links
    are one file, as for portcheck)."""

    def __init__(self, corpus, suites):
        self.corpus = os.path.abspath(corpus)
        self.suites = suites
        self.by_inode = {}       # (dev, ino) -> {"suite", "keys": [...], "loadable": bool}
        self.skipped = collections.Counter()
        self.packages = {}       # suite -> [package dirs]
        for suite in suites:
            base = os.path.join(self.corpus, suite, "root")
            if not os.path.isdir(base):
                die(f"loader-diff: {base} missing (run scripts/corpus.sh --no-test)")
            packages = sorted(p for p in os.listdir(base) if not p.startswith("."))
            self.packages[suite] = [os.path.join(base, p) for p in packages]
            for package in packages:
                for dirpath, dirnames, filenames in os.walk(os.path.join(base, package)):
                    dirnames.sort()
                    for name in sorted(filenames):
                        path = os.path.join(dirpath, name)
                        if os.path.islink(path) or not os.path.isfile(path):
                            continue
                        header = elf_header(path)
                        if header is None:
                            continue
                        ei_class, ei_data, e_type, e_machine = header
                        st = os.stat(path)
                        ident = (st.st_dev, st.st_ino)
                        key = suite + "/" + os.path.relpath(path, base)
                        if ident in self.by_inode:
                            self.by_inode[ident]["keys"].append(key)
                            continue
                        x86_64 = ei_class == 2 and ei_data == 1 and e_machine == 62
                        entry = {"suite": suite, "keys": [key], "loadable": False}
                        self.by_inode[ident] = entry
                        if not x86_64:
                            machine = MACHINES.get(e_machine, f"machine {e_machine}")
                            if e_machine == 62:
                                machine = "x32"
                            self.skipped[f"{suite}: not x86_64 ({machine})"] += 1
                        elif e_type not in (2, 3):
                            self.skipped[f"{suite}: x86_64 but not loadable (e_type {e_type})"] += 1
                        else:
                            entry["loadable"] = True

    def base(self, suite):
        return os.path.join(self.corpus, suite, "root")

    def key_of_host_path(self, path):
        """The corpus group of a path on the host, through its inode."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        return self.by_inode.get((st.st_dev, st.st_ino))


def portcheck_report(binary, targets, paths):
    """portcheck's JSON report on PATHS, or None and the reason when it gives none (a crash, exit
    code 2, no JSON)."""
    args = [binary, "--format", "json", "--no-config", "-t", ",".join(targets)] + list(paths)
    proc = subprocess.run(args, capture_output=True, check=False)
    if proc.returncode not in (0, 1, 3):
        tail = proc.stderr.decode("utf-8", "replace")[-300:]
        return None, f"exit code {proc.returncode}: {tail}"
    try:
        report = json.loads(proc.stdout)
    except ValueError as exc:
        return None, f"no JSON report ({exc})"
    if report.get("targets") != list(targets):
        die(f"loader-diff: portcheck reports the targets {report.get('targets')}, not {targets}")
    return report, ""


def run_portcheck(binary, corpus, targets, batch, log):
    """portcheck over each package directory as a release of its own, `batch` packages per run
    (one by one when a run gives no report, to name the package). Returns the file objects by
    inode group, the error entries, what was seen outside the corpus, and the packages portcheck
    gave no report for."""
    entries = {}
    errors = []
    outside = collections.Counter()
    outside_paths = []
    broken = []
    for suite in corpus.suites:
        packages = corpus.packages[suite]
        for start in range(0, len(packages), batch):
            runs = [packages[start:start + batch]]
            report, why = portcheck_report(binary, targets, runs[0])
            reports = [report]
            if report is None:
                log(f"portcheck: no report for {len(runs[0])} packages ({why.strip()}); "
                    "one by one")
                reports = []
                for package in runs[0]:
                    report, why = portcheck_report(binary, targets, [package])
                    if report is None:
                        broken.append(f"{package}: {why.strip()}")
                    else:
                        reports.append(report)
            for report in reports:
                process_report(report, suite, set(packages[start:start + batch]), corpus,
                               entries, errors, outside, outside_paths)
        log(f"portcheck: {suite} done")
    return entries, errors, outside, outside_paths, broken


def process_report(report, suite, package_dirs, corpus, entries, errors, outside, outside_paths):
    """Files the entries of one portcheck report under their corpus group."""
    for f in report["files"]:
        path = decode_json_string(f["path"])
        if path in package_dirs:
            outside[f"{suite}: a package without ELF files (an error entry)"] += 1
            continue
        group = corpus.key_of_host_path(path)
        prefix = corpus.base(suite) + "/"
        if group is None or not path.startswith(prefix):
            # A symlink to an absolute path: portcheck reads it on this machine.
            outside[f"{suite}: no corpus file (a symlink out of the package)"] += 1
            outside_paths.append(path)
            continue
        key = suite + "/" + path[len(prefix):]
        if f["status"] == "error":
            errors.append((key, decode_json_string(f.get("error", ""))))
            continue
        if not group["loadable"]:
            continue
        ident = id(group)
        if ident in entries:
            outside[f"{suite}: reported twice"] += 1
            continue
        entries[ident] = (key, f)


def run_ldd(root, path, timeout):
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}
    try:
        proc = subprocess.run(["chroot", root, "/usr/bin/ldd", path], capture_output=True,
                              env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return "", "", -1
    return (proc.stdout.decode("utf-8", "surrogateescape"),
            proc.stderr.decode("utf-8", "surrogateescape"), proc.returncode)


def subset_keep(key, modulus):
    """The deterministic subset: a file is kept when the SHA-1 of its key is 0 modulo `modulus`."""
    if modulus <= 1:
        return True
    return int(hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest(), 16) % modulus == 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="the corpus cache (CORPUS/<suite>/root)")
    parser.add_argument("--root", action="append", required=True, metavar="SUITE=TARGET=DIR",
                        help="a root file system and the portcheck target it stands for")
    parser.add_argument("--portcheck", required=True, help="the portcheck binary")
    parser.add_argument("--report", required=True, help="where the full list goes")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch", type=int, default=60,
                        help="package directories per portcheck run")
    parser.add_argument("--subset", type=int, default=1,
                        help="keep only the files whose key hashes to 0 modulo N (default 1: all)")
    parser.add_argument("--min-files", type=int, default=500)
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=120, help="seconds per ldd run")
    parser.add_argument("--ldd-log", help="write every ldd result here (JSON lines)")
    parser.add_argument("--ldd-from", help="take the ldd results from an earlier --ldd-log instead "
                        "of running ldd (to judge another portcheck build on the same roots and "
                        "corpus)")
    args = parser.parse_args(argv)

    t0 = time.monotonic()

    def log(message):
        print(f"[{time.monotonic() - t0:6.1f} s] {message}", flush=True)

    roots = []
    for spec in args.root:
        suite, target, directory = spec.split("=", 2)
        roots.append((suite, target, os.path.abspath(directory)))
    suites = [s for s, _, _ in roots]
    targets = [t for _, t, _ in roots]

    corpus = Corpus(args.corpus, suites)
    loadable = sum(1 for g in corpus.by_inode.values() if g["loadable"])
    aliases = sum(len(g["keys"]) - 1 for g in corpus.by_inode.values())
    log(f"walk: {len(corpus.by_inode)} ELF files ({aliases} more hard-linked names), "
        f"{loadable} x86_64 programs and libraries")
    t_walk = time.monotonic() - t0

    t1 = time.monotonic()
    entries, errors, outside, outside_paths, broken = run_portcheck(
        args.portcheck, corpus, targets, args.batch, log)
    t_portcheck = time.monotonic() - t1
    error_groups = {e[0] for e in errors}
    missing = sorted(g["keys"][0] for g in corpus.by_inode.values()
                     if g["loadable"] and id(g) not in entries
                     and not error_groups.intersection(g["keys"]))
    files = sorted((key, f) for key, f in entries.values() if subset_keep(key, args.subset))
    all_by_key = {key: f for key, f in entries.values()}
    log(f"portcheck: {len(entries)} files reported, {len(errors)} errors, {len(missing)} missing; "
        f"{len(files)} compared")

    def needed_of(key):
        f = all_by_key.get(key)
        return [decode_json_string(n) for n in f["elf"]["needed"]] if f else []

    def to_key(path):
        """A path inside a root, to the corpus key portcheck reported that file under."""
        if not path.startswith(MOUNT + "/"):
            return None
        rest = path[len(MOUNT) + 1:]
        suite, _, rel = rest.partition("/")
        if suite not in suites:
            return None
        group = corpus.key_of_host_path(os.path.join(corpus.base(suite), rel))
        if group is None:
            return None
        entry = entries.get(id(group))
        return entry[0] if entry else group["keys"][0]

    t2 = time.monotonic()
    tasks = [(key, target, root) for key, _ in files for _, target, root in roots]
    results = {}
    done = 0
    if args.ldd_from:
        with open(args.ldd_from, encoding="utf-8", errors="surrogateescape") as saved:
            for line in saved:
                r = json.loads(line)
                results[(r["file"], r["target"])] = (r["stdout"], r["stderr"], r["rc"])
        absent = [t for t in tasks if (t[0], t[1]) not in results]
        if absent:
            die(f"loader-diff: {args.ldd_from} has no result for {len(absent)} "
                             f"files, e.g. {absent[0][0]} on {absent[0][1]}")
        tasks = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(run_ldd, root, f"{MOUNT}/{key}", args.timeout): (key, target)
                   for key, target, root in tasks}
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()
            done += 1
            if done % 2000 == 0:
                log(f"ldd: {done} of {len(tasks)}")
    t_ldd = time.monotonic() - t2
    log(f"ldd: {len(tasks)} runs in {t_ldd:.0f} s")
    if args.ldd_log and not args.ldd_from:
        with open(args.ldd_log, "w", encoding="utf-8", errors="surrogateescape") as out:
            for (key, target), (stdout, stderr, rc) in sorted(results.items()):
                out.write(json.dumps({"file": key, "target": target, "rc": rc,
                                      "stdout": stdout, "stderr": stderr}) + "\n")

    # Compare.
    figures = {t: collections.Counter() for t in targets}
    records = {name: [] for name in DISAGREEMENTS}
    cause_counts = {name: {t: collections.Counter() for t in targets} for name in DISAGREEMENTS}
    system_owned = collections.Counter()
    noted = collections.Counter()
    for key, fobj in files:
        suite = key.split("/", 1)[0]
        for target in targets:
            stdout, stderr, rc = results[(key, target)]
            ldd = parse_ldd(stdout, stderr, rc)
            attributed = attribute_ldd(ldd, key, needed_of(key), to_key, needed_of)
            for s, owner in attributed[0]:
                if owner.startswith("system"):
                    system_owned[f"{target}: {s} not found, needed by a library of the root"] += 1
            for v, lib, owner in attributed[1]:
                if owner.startswith("system"):
                    system_owned[f"{target}: {v} of {lib} not found, required by {owner[7:]}"] += 1
            findings = portcheck_view(fobj, target)
            cls, detail = classify(ldd, attributed, findings)
            pc = portcheck_sets(findings)
            if pc["one_way"] and not pc["fails"] and not ldd["unknown"]:
                rules = "/".join(sorted({f["rule"] for f in findings if f["kind"] == "one-way"}))
                loads = "refuses" if loader_refuses(ldd) else "loads"
                noted[f"{target}: {rules} fails (and no other rule), ldd {loads} the file"] += 1
            fig = figures[target]
            fig["files"] += 1
            fig["files " + suite] += 1
            fig["loader refuses"] += loader_refuses(ldd) and not ldd["unknown"]
            fig["portcheck refuses"] += portcheck_refuses(pc)
            fig[cls] += 1
            if cls == "agree":
                continue
            labels = causes(cls, ldd, attributed, findings, detail)
            cause_counts[cls][target].update(labels)
            records[cls].append({"file": key, "target": target, "labels": labels,
                                 "ldd": relevant_ldd_lines(cls, ldd, findings),
                                 "attributed": attributed,
                                 "portcheck": [f"{f['severity']} {f['rule']}: {f['message']}"
                                               for f in findings], "detail": detail})
    t_total = time.monotonic() - t0

    # Print and write.
    lines = []
    out = lines.append
    out(f"loader-diff: portcheck {args.portcheck}; roots "
        + ", ".join(f"{s} as {t}" for s, t, _ in roots))
    out(f"counted rules: {', '.join(COUNTED_RULES)}")
    if args.subset > 1:
        out(f"subset: files whose SHA-1 of the key is 0 modulo {args.subset}")
    out("")
    header = ["target", "files"] + [f"of {s}" for s in suites] + [
        "loader refuses", "portcheck refuses", "agree"] + list(DISAGREEMENTS)
    rows = [header]
    for t in targets:
        fig = figures[t]
        rows.append([t, fig["files"]] + [fig["files " + s] for s in suites]
                    + [fig["loader refuses"], fig["portcheck refuses"], fig["agree"]]
                    + [fig[c] for c in DISAGREEMENTS])
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    for r in rows:
        out("  ".join(str(v).rjust(w) if i else str(v).ljust(w)
                      for i, (v, w) in enumerate(zip(r, widths))))
    out("")
    for label, count in sorted(corpus.skipped.items()):
        out(f"skipped: {count} ELF files: {label}")
    out(f"skipped: {aliases} further hard-linked names of files already counted")
    for label, count in sorted(outside.items()):
        out(f"skipped: {count} portcheck entries: {label}")
    out(f"portcheck errors: {len(errors)} (not compared); files portcheck did not report: "
        f"{len(missing)}; packages portcheck gave no report for: {len(broken)}")
    for line in broken:
        out(f"  no report: {line}")
    for key, message in errors[:args.examples]:
        out(f"  error {key}: {message}")
    for key in missing[:args.examples]:
        out(f"  missing {key}")
    for label, count in sorted(system_owned.items()):
        out(f"note: {count} x {label} (not compared)")
    for label, count in sorted(noted.items()):
        out(f"note: {count} x {label} (counted one way only)")
    out(f"time: walk {t_walk:.0f} s, portcheck {t_portcheck:.0f} s, ldd {t_ldd:.0f} s "
        f"({len(tasks)} runs, {args.jobs} jobs), total {t_total:.0f} s")
    summary = list(lines)

    def example(rec):
        text = [f"  {rec['file']} on {rec['target']}"]
        text += [f"    ldd: {line.strip()}" for line in rec["ldd"]]
        owners = [f"{s} (needed by {o})" for s, o in rec["attributed"][0] if o]
        owners += [f"{v} (required by {o})" for v, _, o in rec["attributed"][1] if o]
        if owners:
            text.append("    ldd attribution: " + ", ".join(owners))
        text += [f"    portcheck: {m}" for m in rec["portcheck"]] or ["    portcheck: (nothing)"]
        for what, (only_ldd, only_pc) in sorted(rec["detail"].items()):
            text.append(f"    {what}: only ldd {only_ldd or '-'}; only portcheck {only_pc or '-'}")
        return text

    full = list(lines)
    for name, title in CLASSES:
        recs = records[name]
        block = ["", f"== {title}: {len(recs)}"]
        for t in targets:
            top = cause_counts[name][t].most_common(8)
            if figures[t][name]:
                block.append(f"  {t}: {figures[t][name]}; most frequent: "
                             + "; ".join(f"{c} x {label}" for label, c in top))
        summary += block
        full += block
        for rec in pick_examples(recs, args.examples):
            summary += example(rec)
        full.append("")
        for rec in recs:
            full += example(rec)
    full += ["", f"== portcheck errors: {len(errors)}"] + [f"  {k}: {m}" for k, m in errors]
    full += ["", f"== portcheck entries that are no corpus file: {len(outside_paths)}"]
    full += [f"  {p}" for p in outside_paths]
    full += ["", f"== not reported by portcheck: {len(missing)}"] + [f"  {k}" for k in missing]
    full += ["", f"== packages portcheck gave no report for: {len(broken)}"]
    full += [f"  {line}" for line in broken]

    print("\n".join(summary))
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, "w", encoding="utf-8", errors="surrogateescape") as report:
        report.write("\n".join(full) + "\n")
    print(f"\nreport: {args.report}")

    too_few = [t for t in targets if figures[t]["files"] < args.min_files
               or any(figures[t]["files " + s] == 0 for s in suites)]
    if too_few or missing or broken:
        print(f"loader-diff: FAILED: fewer than {args.min_files} files (or none of a suite) "
              f"compared on {', '.join(too_few) or '-'}; {len(missing)} files not reported by "
              f"portcheck; {len(broken)} packages without a report")
        return 2
    disagreements = sum(figures[t][c] for t in targets for c in DISAGREEMENTS)
    if disagreements:
        print(f"loader-diff: FAILED: {disagreements} disagreements")
        return 1
    print("loader-diff: portcheck agrees with the loader on every file")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # a bug of this script: the test cannot judge, which is not a disagreement
        import traceback
        traceback.print_exc()
        sys.exit(2)
