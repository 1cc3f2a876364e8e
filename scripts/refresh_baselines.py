#!/usr/bin/env python3
"""Merge fresh captures of Debian roots and the suites' Contents indexes into the table.

Called by scripts/refresh-baselines.sh, which prepares the inputs:

  --capture SUITE=CAPTURE.json=ROOT_NOTE   one per suite: `portcheck baseline capture` of the
                                           suite's minbase root, and how the root was made
  --contents FILE                          lines "SUITE COMPONENT PATH SHA256" of Contents-amd64.gz
                                           files whose SHA256 the signed InRelease confirmed
  --check                                  write nothing; exit 1 when the table differs

What is replaced in each captured target (debian-11, debian-12, debian-13): the glibc version,
the x86_64 symbol-version maxima, the image's libraries (`libraries.default`, `details`,
`inventory`), the archive index (`libraries.archive`, data/archive/<target>.txt), the OpenSSL
sonames of the image and of the archive, and the installable and absent lists, which are kept
only where they agree with the archive. Dates, kernel, CA locations and the other
architectures' facts are not in a root and stay as they are.
"""
import argparse
import gzip
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TABLE = ROOT / "data" / "baselines.json"
ARCHIVE_DIR = ROOT / "data" / "archive"
LIBRARY_VERSIONS = ROOT / "data" / "library-versions.json"

TARGETS = {"bullseye": ("debian-11", "debian:11"), "bookworm": ("debian-12", "debian:12"),
           "trixie": ("debian-13", "debian:13")}
# The directories the loader searches without RUNPATH or ld.so.conf, as Contents spells them
# (no leading slash); a library elsewhere is a package's private one.
LIBRARY_PATH = re.compile(
    r"^(?:usr/)?lib(?:64)?/(?:x86_64-linux-gnu/)?([A-Za-z0-9_.+-]+\.so(?:\.[0-9A-Za-z_]+)*)$")
OTHER_ARCHES = "other architectures: "


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capture", action="append", required=True)
    parser.add_argument("--contents", required=True)
    parser.add_argument("--check", action="store_true")
    return parser.parse_args()


def package_rank(package):
    """Which of several packages shipping one name to offer: a runtime package first."""
    dev = package.endswith(("-dev", "-dbg", "-dbgsym")) or "-dev-" in package
    return (dev, len(package), package)


def drop_aliases(names):
    """libfoo.so.1.2.3 next to libfoo.so.1 of the same package is the file behind the soname."""
    kept = {}
    for name, packages in names.items():
        base, _, version = name.rpartition(".so.")
        if base:
            parts = version.split(".")
            shorter = (f"{base}.so.{'.'.join(parts[:i])}" for i in range(1, len(parts)))
            if any(packages & names.get(alias, set()) for alias in shorter):
                continue
        elif name.endswith(".so") and all(package_rank(p)[0] for p in packages):
            continue  # libfoo.so of a -dev package is the link the compiler uses
        kept[name] = packages
    return kept


def archive_index(files):
    """soname -> package of every library in the loader's directories in the given indexes."""
    names = {}
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as contents:
            for line in contents:
                file, _, owners = line.rstrip("\n").rpartition(" ")
                match = LIBRARY_PATH.match(file.strip())
                if not match:
                    continue
                packages = {owner.rsplit("/", 1)[-1] for owner in owners.split(",")}
                names.setdefault(match.group(1), set()).update(packages)
    return {name: min(packages, key=package_rank)
            for name, packages in sorted(drop_aliases(names).items())}


def measured_details(suite):
    """Version definitions of common libraries measured from this suite's own packages."""
    if not LIBRARY_VERSIONS.exists():
        return {}, ""
    data = json.loads(LIBRARY_VERSIONS.read_text())
    details = {}
    for library in data.get("libraries", []):
        for m in library.get("measurements", []):
            soname = m.get("soname") or m["path"].rsplit("/", 1)[-1]
            if m["suite"] == suite:
                details[soname] = {"package": m["package"], "versions": m["nodes"],
                                   "source": f"{m['package']} {m['package_version']} of {suite} "
                                             f"({m['file']}), data/library-versions.json"}
    return details, data.get("source", "")


def replace_source(text, root_path, root_note):
    return text.replace(f"captured from {root_path}", f"captured from a root made by {root_note}")


def merge_target(old, captured, suite, root_note, index, index_source, date):
    target_id, image = TARGETS[suite]
    t = json.loads(json.dumps(old))
    root_path = captured["libc"]["source"].split("captured from ", 1)[1].split(" on ", 1)[0]
    fix = lambda text: replace_source(text, root_path, root_note)
    t["libc"] = {"flavour": "glibc", "version": captured["libc"]["version"],
                 "source": fix(captured["libc"]["source"])}
    x86 = captured["symbol_versions"]["x86_64"]
    t["symbol_versions"]["x86_64"] = x86
    others = old["symbol_versions"]["source"]
    if OTHER_ARCHES in others:
        others = others.split(OTHER_ARCHES, 1)[1]
    t["symbol_versions"]["source"] = (
        f"x86_64: {fix(captured['symbol_versions']['source'])}; {OTHER_ARCHES}{others}")
    lib = captured["libraries"]
    default = lib["default"]
    details = {name: dict(d) for name, d in lib["details"].items()}
    measured, measured_source = measured_details(suite)
    for name, detail in measured.items():
        if name not in details and index.get(name) == detail["package"]:
            details[name] = detail
    t["libraries"] = {
        "default": default,
        "default_source": fix(lib["default_source"]),
        "inventory": {
            "coverage": "complete", "image": image,
            "method": f"debootstrap --variant=minbase {suite} (the package set of the {image} "
                      "image), then portcheck baseline capture --root: every shared library the "
                      "loader finds in the root's library directories, by DT_SONAME; refreshed by "
                      "scripts/refresh-baselines.sh",
            "source": f"{root_note}; captured on {date}"},
        "details": details,
        "details_source": fix(lib["details_source"]),
        # The archive index names the package of every library the archive has.
        "installable": [],
        "absent": [a for a in old["libraries"]["absent"] if a["soname"] not in index
                   and a["soname"] not in default],
        "archive": {"index": target_id, "source": index_source},
    }
    openssl = [s for s in default if s.startswith(("libssl.so", "libcrypto.so"))]
    offered = [{"soname": s, "package": p, "source": index_source} for s, p in index.items()
               if s.startswith(("libssl.so", "libcrypto.so")) and s not in default]
    t["openssl"] = {"default": openssl, "installable": offered,
                    "source": fix(captured["openssl"]["source"]) +
                    "; installable: the libssl and libcrypto sonames of the archive index"}
    return t


def write_json(path, data):
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text)


def compare(old, new, target_id):
    """The captured facts that differ, one line each (sources carry dates and are left out)."""
    problems = []
    for key in ("libc", "openssl"):
        a = {k: v for k, v in old.get(key, {}).items() if k != "source"}
        b = {k: v for k, v in new[key].items() if k != "source"}
        if key == "openssl":
            for side in (a, b):
                side["installable"] = [(o["soname"], o["package"]) for o in side["installable"]]
        if a != b:
            problems.append(f"{target_id}: {key}: table {a} != capture {b}")
    if old["symbol_versions"].get("x86_64") != new["symbol_versions"]["x86_64"]:
        problems.append(f"{target_id}: symbol_versions.x86_64 differ")
    ol, nl = old["libraries"], new["libraries"]
    if ol.get("default") != nl["default"]:
        gone = sorted(set(ol.get("default", [])) - set(nl["default"]))
        new_names = sorted(set(nl["default"]) - set(ol.get("default", [])))
        problems.append(f"{target_id}: image libraries: not there any more {gone}, new {new_names}")
    strip = lambda d: {k: (v.get("package"), v.get("versions")) for k, v in d.items()}
    if strip(ol.get("details", {})) != strip(nl["details"]):
        changed = sorted(k for k in set(ol.get("details", {})) | set(nl["details"])
                         if strip(ol.get("details", {})).get(k) != strip(nl["details"]).get(k))
        problems.append(f"{target_id}: library details differ: {changed[:10]}")
    return problems


def main():
    args = parse_args()
    contents = {}
    for line in pathlib.Path(args.contents).read_text().splitlines():
        suite, component, path, sha = line.split()
        contents.setdefault(suite, []).append((component, path, sha))
    table = json.loads(TABLE.read_text())
    problems, notes = [], []
    for spec in args.capture:
        suite, capture_path, root_note = spec.split("=", 2)
        root_note = re.sub(r" on (\d{4}-\d{2}-\d{2})$", r" (\1)", root_note)
        target_id, _ = TARGETS[suite]
        captured = json.loads(pathlib.Path(capture_path).read_text())
        date = captured["released"]
        index = archive_index([path for _, path, _ in contents[suite]])
        checked = [f"{c} {sha[:12]}" if not sha.startswith("unverified:")
                   else f"{c} {sha[11:23]}, which does NOT match the InRelease"
                   for c, _, sha in contents[suite]]
        index_source = (f"Contents-amd64 of {suite} "
                        f"({', '.join(c for c, _, _ in contents[suite])}) from deb.debian.org on "
                        f"{date}, checked against the suite's signed InRelease (SHA256 "
                        f"{'; '.join(checked)}): every file "
                        "name of soname shape in /lib, /lib64, /usr/lib, /usr/lib64 and their "
                        "x86_64-linux-gnu directories, with the runtime package that ships it; "
                        "scripts/refresh-baselines.sh")
        lines = "".join(f"{name} {package}\n" for name, package in index.items())
        at = next(i for i, t in enumerate(table["targets"]) if t["id"] == target_id)
        old = table["targets"][at]
        new = merge_target(old, captured, suite, root_note, index, index_source, date)
        index_file = ARCHIVE_DIR / f"{target_id}.txt"
        if args.check:
            problems += compare(old, new, target_id)
            have = index_file.read_text() if index_file.exists() else ""
            if have != lines:
                a, b = set(have.splitlines()), set(lines.splitlines())
                notes.append(f"{target_id}: archive index: {len(a - b)} entries gone, "
                             f"{len(b - a)} new (not a failure: the archive moves on)")
        else:
            table["targets"][at] = new
            ARCHIVE_DIR.mkdir(exist_ok=True)
            index_file.write_text(lines)
        print(f"refresh: {target_id}: glibc {new['libc']['version']}, "
              f"{len(new['libraries']['default'])} libraries in the image, "
              f"{len(index)} in the archive index")
    for note in notes:
        print("note: " + note)
    if args.check:
        for problem in problems:
            print("differs: " + problem)
        if problems:
            print("refresh: the bundled captured targets differ from a fresh capture; run "
                  "scripts/refresh-baselines.sh and review the change", file=sys.stderr)
            return 1
        print("refresh: the bundled captured targets equal a fresh capture")
        return 0
    write_json(TABLE, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
