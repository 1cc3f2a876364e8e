#!/usr/bin/env python3
"""The platform tag auditwheel gives a wheel, read independently of portcheck.

A second reading of PyPA's policies (data/pypa/, auditwheel's own files) that follows what
auditwheel's `show` does (wheel_abi.analyze_wheel_abi at pypa/auditwheel@86154d15d6a5) on a
glibc machine, from what binutils' readelf prints of each ELF file of the wheel:

- symbol versions: the versions each file needs (.gnu.version_r), the program interpreter's
  left out; a policy is satisfied when, for every family (the name up to the first '_') the
  policy lists, every needed version of it is in the policy's set;
- libraries: every NEEDED soname but the interpreter must be in the policy's whitelist (no
  grafting: `show` judges the wheel as it is; libpython is not whitelisted);
- blacklist: no strong undefined symbol of a name the policy lists for a needed library;
- the tag is the lowest of the three best priorities, over all files; on a glibc machine
  auditwheel judges musl files by the newest musllinux policy only.

It does not model what the test wheels do not have: bundled libraries, the ISA level, UCS-2
and PyFPE symbols. Debian's musl-gcc links `libc.so` by that name; it counts as musl's libc.

  auditwheel_tag.py WHEEL    prints the tag, or "mixed" when files are of several architectures
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
MACHINES = {("Advanced Micro Devices X86-64", "ELF64"): "x86_64", ("Intel 80386", "ELF32"): "i686",
            ("AArch64", "ELF64"): "aarch64", ("ARM", "ELF32"): "armv7l",
            ("RISC-V", "ELF64"): "riscv64", ("IBM S/390", "ELF64"): "s390x"}


def readelf(*args):
    return subprocess.run(["readelf", "-W", *args], check=True, capture_output=True,
                          text=True).stdout


def is_loader(soname):
    return "ld-linux" in soname or soname in ("ld64.so.1", "ld64.so.2")


def elf_facts(path):
    header = readelf("-h", path)
    machine = re.search(r"Machine:\s+(.*)", header).group(1).strip()
    elf_class = re.search(r"Class:\s+(\S+)", header).group(1)
    arch = next((a for (m, c), a in MACHINES.items() if machine.startswith(m) and c == elf_class),
                None)
    dynamic = readelf("-d", path)
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", dynamic)
    versions = readelf("-V", path)
    needs = []
    library = None
    for line in versions.splitlines():
        file_match = re.search(r"File: (\S+)\s+Cnt:", line)
        if file_match:
            library = file_match.group(1)
        name_match = re.search(r"Name: (\S+)\s+Flags:", line)
        if name_match and library and "version_r" not in line:
            needs.append((library, name_match.group(1)))
    strong = set()
    for line in readelf("--dyn-syms", path).splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[6] == "UND" and fields[4] == "GLOBAL":
            strong.add(fields[7].split("@")[0])
    interp = re.search(r"\[Requesting program interpreter: (.*)\]", readelf("-l", path))
    musl = any("musl" in n or n == "libc.so" for n in needed) or bool(
        interp and "musl" in interp.group(1))
    return {"arch": arch, "needed": needed, "needs": needs, "strong": strong, "musl": musl}


def policies_for(musl, arch):
    name = "musllinux-policy.json" if musl else "manylinux-policy.json"
    policies = [p for p in json.loads((ROOT / "data" / "pypa" / name).read_text())
                if p["name"] != "linux" and arch in p["symbol_versions"]]
    policies.sort(key=lambda p: p["priority"], reverse=True)
    return policies[-1:] if musl else policies


def whitelist_of(policy, musl):
    whitelist = set(policy["lib_whitelist"])
    if musl:
        whitelist |= {n for n in whitelist if n == "libc.so"} | {"libc.musl-x86_64.so.1",
                                                                 "libc.musl-aarch64.so.1"}
    return whitelist


def satisfies(policy, facts, musl):
    sets = policy["symbol_versions"][facts["arch"]]
    for library, version in facts["needs"]:
        if is_loader(library):
            continue
        family, _, number = version.partition("_")
        if family in sets and number not in sets[family]:
            return False
    whitelist = whitelist_of(policy, musl)
    if any(not is_loader(n) and n not in whitelist for n in facts["needed"]):
        return False
    for library, names in policy["blacklist"].items():
        if library in facts["needed"] and ("*" in names or facts["strong"] & set(names)):
            return False
    return True


def file_priority(facts, musl, policies):
    for policy in policies:
        if satisfies(policy, facts, musl):
            return policy["priority"], policy["name"]
    return 0, "linux"


def wheel_tag(wheel):
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tmp)
        files = [p for p in pathlib.Path(tmp).rglob("*")
                 if p.is_file() and p.read_bytes()[:4] == b"\x7fELF"]
        facts = [elf_facts(str(p)) for p in sorted(files)]
    archs = {f["arch"] for f in facts}
    if len(archs) != 1:
        return "mixed"
    arch = archs.pop()
    musl = any(f["musl"] for f in facts)
    policies = policies_for(musl, arch)
    priority, name = min(file_priority(f, musl, policies) for f in facts)
    return f"{name}_{arch}"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: auditwheel_tag.py WHEEL")
    print(wheel_tag(sys.argv[1]))
