#!/usr/bin/env python3
"""Carry the symbol blacklists of PyPA's policies into the policy targets of the table.

auditwheel refuses a wheel for a policy when one of its ELF files needs a library the policy
blacklists symbols of (libz.so.1, and for the older manylinux tags libc, libm and libpthread)
and imports one of those symbols (a strong undefined symbol of that name; `*` stands for any).
The lists are in auditwheel's policy files, kept unchanged in data/pypa/ (data/pypa/README.md
names the commit). This script writes each policy target's `symbol_blacklist` from them:

  scripts/import_pypa_policies.py            rewrite data/baselines.json
  scripts/import_pypa_policies.py --check    write nothing; exit 1 when the table differs

A target is matched to its policy by name or alias (manylinux2014 is manylinux_2_17).
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TABLE = ROOT / "data" / "baselines.json"
POLICY_DIR = ROOT / "data" / "pypa"
COMMIT = "86154d15d6a5"
FILES = {"manylinux": "manylinux-policy.json", "musllinux": "musllinux-policy.json"}


def policies():
    by_name = {}
    for family, name in FILES.items():
        for policy in json.loads((POLICY_DIR / name).read_text()):
            for tag in [policy["name"], *policy.get("aliases", [])]:
                by_name[tag] = (family, name, policy)
    return by_name


def blacklist_of(target, by_name):
    family, file_name, policy = by_name[target["id"]]
    if family != target["family"]:
        sys.exit(f"import_pypa_policies: {target['id']} is {family} in {file_name}")
    lists = {lib: sorted(set(symbols)) for lib, symbols in sorted(policy["blacklist"].items())}
    lists["source"] = (f"pypa/auditwheel@{COMMIT} src/auditwheel/policy/{file_name} (blacklist "
                       f"of {policy['name']}; kept in data/pypa/)")
    return lists


def main():
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        sys.exit("usage: scripts/import_pypa_policies.py [--check]")
    text = TABLE.read_text()
    table = json.loads(text)
    by_name = policies()
    for target in table["targets"]:
        if target["kind"] != "policy":
            continue
        if target["id"] not in by_name:
            sys.exit(f"import_pypa_policies: no policy {target['id']} in data/pypa/")
        target["symbol_blacklist"] = blacklist_of(target, by_name)
    new_text = json.dumps(table, indent=2, ensure_ascii=False) + "\n"
    if check:
        if new_text != text:
            print("import_pypa_policies: data/baselines.json differs from data/pypa/; "
                  "run scripts/import_pypa_policies.py", file=sys.stderr)
            sys.exit(1)
        return
    TABLE.write_text(new_text)


if __name__ == "__main__":
    main()
