#!/usr/bin/env python3
"""Make the policy targets of the table say what PyPA's policies say.

auditwheel, the tool PyPA's wheels are checked with, defines every manylinux and musllinux
policy in two files, kept unchanged in data/pypa/ (data/pypa/README.md names the commit). For
each policy this script writes one target of data/baselines.json:

- from the policy file: its tag, aliases and priority (`policy`), the architectures it lists,
  its symbol version sets per architecture (`symbol_version_sets`) and the highest version of
  each family (`symbol_versions`), its library whitelist (`libraries.default`) and its symbol
  blacklist (`symbol_blacklist`);
- for a target the table does not have yet, the rest from the sources below: the PEP that
  defines the tag (dates), the end of life of its reference image in
  mayeut/pep600_compliance's EOL.rst, glibc's and musl's program interpreters.

The facts a person wrote for a target the table already has (dates, kernel, ISA level, notes)
are kept. Targets the table adds are `on_request`: selected by id, @pypa, @policies or @all,
never by default, so that a plain run still checks the commonly used policies only.

  scripts/import_pypa_policies.py            rewrite data/baselines.json
  scripts/import_pypa_policies.py --check    write nothing; exit 1 when the table differs
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TABLE = ROOT / "data" / "baselines.json"
POLICY_DIR = ROOT / "data" / "pypa"
COMMIT = "86154d15d6a5"
FILES = {"manylinux": "manylinux-policy.json", "musllinux": "musllinux-policy.json"}
PEPS_COMMIT = "python/peps@ba4deeb79695"
EOL_SOURCE = "mayeut/pep600_compliance@2d70275ac129 EOL.rst"

# The PEP defining each tag, and its Created: header.
PEP_OF = {
    "manylinux_2_5": ("0513", "2016-01-19"),
    "manylinux_2_12": ("0571", "2018-02-05"),
    "manylinux_2_17": ("0599", "2019-04-29"),
}
PERENNIAL_PEP = ("0600", "2019-05-03")
MUSL_PEP = ("0656", "2021-03-17")

# End of life of the reference image (EOL.rst's manylinux table: EOL, then free LTS), where the
# sources give one.
IMAGE_EOL = {
    "manylinux_2_5": ("2017-03-31", None, "https://peps.python.org/pep-0571/ (its CentOS 5.11 "
                      "reference system reached end of life on March 31st, 2017)"),
    "manylinux_2_12": ("2020-11-30", None, f"{EOL_SOURCE} (manylinux 2010: 2020-11-30)"),
    "manylinux_2_24": ("2020-07-05", "2022-06-30",
                       f"{EOL_SOURCE} (manylinux 2_24: EOL 2020-07-05, LTS 2022-06-30)"),
    "manylinux_2_31": ("2030-04-02", None, f"{EOL_SOURCE} (manylinux 2_31: 2030-04-02)"),
    "manylinux_2_39": ("2035-05-31", None, f"{EOL_SOURCE} (manylinux 2_39: 2035-05-31)"),
}

GLIBC_INTERPRETERS = {
    "x86_64": "/lib64/ld-linux-x86-64.so.2",
    "i686": "/lib/ld-linux.so.2",
    "aarch64": "/lib/ld-linux-aarch64.so.1",
    "armv7l": "/lib/ld-linux-armhf.so.3",
    "ppc64": "/lib64/ld64.so.1",
    "ppc64le": "/lib64/ld64.so.2",
    "s390x": "/lib/ld64.so.1",
    "riscv64": "/lib/ld-linux-riscv64-lp64d.so.1",
    "loongarch64": "/lib64/ld-linux-loongarch-lp64d.so.1",
}
GLIBC_INTERPRETERS_SOURCE = "https://sourceware.org/glibc/wiki/ABIList (program interpreter per ABI)"
# musl's name of each architecture in /lib/ld-musl-$ARCH.so.1.
MUSL_ARCH = {"x86_64": "x86_64", "i686": "i386", "aarch64": "aarch64", "armv7l": "armhf",
             "ppc64le": "powerpc64le", "s390x": "s390x", "riscv64": "riscv64",
             "loongarch64": "loongarch64"}
MUSL_INTERPRETERS_SOURCE = ("https://wiki.musl-libc.org/guidelines-for-distributions.html "
                            "(dynamic linker /lib/ld-musl-$ARCH.so.1)")


def policy_source(file_name, policy, what):
    return (f"pypa/auditwheel@{COMMIT} src/auditwheel/policy/{file_name} ({what} of "
            f"{policy['name']}; kept in data/pypa/)")


def version_key(version):
    return ([int(part) if part.isdigit() else -1 for part in version.split(".")], version)


def version_sets(family, file_name, policy):
    sets = {}
    for arch, families in policy["symbol_versions"].items():
        sets[arch] = {name: sorted(set(versions), key=version_key)
                      for name, versions in sorted(families.items())}
    sets["source"] = policy_source(file_name, policy, "symbol_versions")
    return sets


# The families the rules compare by number (glibc-version, libstdcxx-version, libgcc-version);
# the others (LIBATOMIC, ZLIB) only by their sets.
NUMBERED_FAMILIES = ("GLIBC", "GLIBCXX", "CXXABI", "GCC")


def maxima(sets, file_name, policy):
    highest = {}
    for arch, families in sets.items():
        if arch == "source":
            continue
        highest[arch] = {name: [v for v in versions if version_key(v)[0][0] >= 0][-1]
                         for name, versions in families.items()
                         if name in NUMBERED_FAMILIES and versions}
    highest["source"] = policy_source(file_name, policy, "symbol_versions, the highest of each "
                                      "family; symbol_version_sets has every version")
    return highest


def blacklist_of(file_name, policy):
    lists = {lib: sorted(set(symbols)) for lib, symbols in sorted(policy["blacklist"].items())}
    lists["source"] = policy_source(file_name, policy, "blacklist")
    return lists


def tag_info(file_name, policy):
    return {"tag": policy["name"], "aliases": list(policy.get("aliases", [])),
            "priority": policy["priority"],
            "source": policy_source(file_name, policy, "name, aliases and priority")}


def pep_of(family, tag):
    if family == "musllinux":
        return MUSL_PEP
    return PEP_OF.get(tag, PERENNIAL_PEP)


def dates_of(family, tag):
    number, created = pep_of(family, tag)
    pep_source = (f"https://peps.python.org/pep-{number}/ (created {created}; {PEPS_COMMIT} "
                  f"peps/pep-{number}.rst)")
    eol = IMAGE_EOL.get(tag)
    if not eol:
        phase = {"phase": "standard", "until": None, "paid": False,
                 "source": f"the policy does not expire, and {EOL_SOURCE} gives no end of life "
                           f"of a reference image for it"}
        return created, None, pep_source + "; no end of life known", [phase]
    end, lts, eol_source = eol
    phases = [{"phase": "standard", "until": end, "paid": False,
               "source": f"policy: the phase of its reference image; {eol_source}"}]
    if lts:
        phases.append({"phase": "lts", "until": lts, "paid": False,
                       "source": f"policy: the free long-term support of its reference image; "
                                 f"{eol_source}"})
    return created, end, f"{pep_source}; {eol_source}", phases


def interpreter_of(family, arch):
    if family == "musllinux":
        return f"/lib/ld-musl-{MUSL_ARCH[arch]}.so.1"
    return GLIBC_INTERPRETERS[arch]


def libc_of(family, tag):
    numbers = tag.split("_")[1:]
    if family == "musllinux":
        return {"flavour": "musl", "version": ".".join(numbers) + ".0",
                "source": "https://peps.python.org/pep-0656/ (musllinux_X_Y = musl X.Y or later)"}
    return {"flavour": "glibc", "version": ".".join(numbers),
            "source": f"policy tag {tag} (PEP 600: glibc major_minor in the tag)"}


def new_target(family, file_name, policy):
    tag = policy["name"]
    aliases = policy.get("aliases", [])
    released, end, dates_source, support = dates_of(family, tag)
    interpreters_source = MUSL_INTERPRETERS_SOURCE if family == "musllinux" else \
        GLIBC_INTERPRETERS_SOURCE
    return {
        "id": aliases[0] if aliases else tag,
        "name": f"{aliases[0]} ({tag})" if aliases else tag,
        "family": family,
        "kind": "policy",
        "on_request": True,
        "released": released,
        "end_of_support": end,
        "dates_source": dates_source,
        "support": support,
        "architectures": [],
        "libc": libc_of(family, tag),
        "symbol_versions": {},
        "kernel": {"version": None,
                   "source": "the policy names no kernel and the table records no reference image "
                             "for it: the kernel rule does not apply"},
        "x86_64_isa": {"level": "x86-64",
                       "source": "the x86_64 of a policy tag is the baseline: auditwheel refuses a "
                                 "file that needs a higher level (wheel_abi.py, the machine "
                                 "policy)"},
        "openssl": {"default": [], "installable": [],
                    "source": "not part of the policy: libssl/libcrypto are not whitelisted and "
                              "must be bundled"},
        "ca": {"files": [], "dirs": [], "source": "not specified by the policy"},
        "interpreters": {"source": interpreters_source},
        "libraries": {"default": [], "default_source": "", "installable": [], "absent": []},
        "whitelist_only": True,
    }


def apply_policy(target, family, file_name, policy):
    """The facts of the policy file, written over whatever the target said of them."""
    target["policy"] = tag_info(file_name, policy)
    target["architectures"] = list(policy["symbol_versions"].keys())
    sets = version_sets(family, file_name, policy)
    target["symbol_version_sets"] = sets
    target["symbol_versions"] = maxima(sets, file_name, policy)
    interpreters = target["interpreters"]
    for arch in target["architectures"]:
        interpreters.setdefault(arch, interpreter_of(family, arch))
    libraries = target["libraries"]
    libraries["default"] = list(policy["lib_whitelist"])
    libraries["default_source"] = policy_source(file_name, policy, "lib_whitelist")
    target["whitelist_only"] = True
    target["symbol_blacklist"] = blacklist_of(file_name, policy)


def policies():
    """(family, file name, policy) for every policy but the catch-all `linux`, in file order."""
    found = []
    for family, name in FILES.items():
        for policy in json.loads((POLICY_DIR / name).read_text()):
            if policy["name"] != "linux":
                found.append((family, name, policy))
    return found


def find_target(targets, policy):
    names = {policy["name"], *policy.get("aliases", [])}
    for target in targets:
        if target["kind"] == "policy" and (target["id"] in names or
                                           target.get("policy", {}).get("tag") in names):
            return target
    return None


def main():
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        sys.exit("usage: scripts/import_pypa_policies.py [--check]")
    text = TABLE.read_text()
    table = json.loads(text)
    targets = table["targets"]
    known = set()
    for family, file_name, policy in policies():
        target = find_target(targets, policy)
        if target is None:
            target = new_target(family, file_name, policy)
            targets.append(target)
        elif target["family"] != family:
            sys.exit(f"import_pypa_policies: {target['id']} is {family} in {file_name}")
        apply_policy(target, family, file_name, policy)
        known.add(target["id"])
    for target in targets:
        if target["kind"] == "policy" and target["id"] not in known:
            sys.exit(f"import_pypa_policies: no policy {target['id']} in data/pypa/")
    # Policies after the distributions, in the order of the policy files (oldest tag first).
    order = {find_target(targets, policy)["id"]: i for i, (_, _, policy) in enumerate(policies())}
    table["targets"] = [t for t in targets if t["kind"] != "policy"] + \
        sorted((t for t in targets if t["kind"] == "policy"), key=lambda t: order[t["id"]])
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
