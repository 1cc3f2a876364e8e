#!/usr/bin/env python3
"""The helper of scripts/measure-library-versions.sh (see its header).

  plan    APT_DIR SUITES OUT.json   which packages of the suites ship the libraries (Contents and
                                    Packages indexes of each suite's private apt state)
  missing PLAN.json DEBS_DIR        prints "suite package=version" for each .deb not yet cached
  place   PLAN.json DEBS_DIR        names the downloaded .deb files as the pool does and checks
                                    them against the Packages index
  measure PLAN.json DEBS_DIR FILES_DIR OUT.json DATE
                                    reads each library file (readelf -W -V, -d, --dyn-syms),
                                    checks the derivation rule of each library, writes OUT.json
                                    and prints the summary
  derive  DATA.json SONAME VERSION [PROJECT]
                                    prints the node set the derivation rule of DATA.json gives
                                    for an upstream version (e.g. libz.so.1 1.2.7)
"""

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

APT_HELPER = "/usr/lib/apt/apt-helper"

# The libraries, by soname, with the name a person knows them by.
LIBRARIES = {
    "libz.so.1": "zlib",
    "libssl.so.1.1": "OpenSSL 1.1 libssl",
    "libcrypto.so.1.1": "OpenSSL 1.1 libcrypto",
    "libssl.so.3": "OpenSSL 3 libssl",
    "libcrypto.so.3": "OpenSSL 3 libcrypto",
    "libsystemd.so.0": "libsystemd",
    "liblzma.so.5": "liblzma (xz)",
    "libzstd.so.1": "libzstd",
    "libcurl.so.4": "libcurl (OpenSSL flavour)",
    "libcurl-gnutls.so.4": "libcurl (GnuTLS flavour)",
    "libexpat.so.1": "expat",
    "libffi.so.7": "libffi 3.3",
    "libffi.so.8": "libffi 3.4+",
    "libuuid.so.1": "libuuid (util-linux)",
    "libselinux.so.1": "libselinux",
    "libgcrypt.so.20": "libgcrypt",
    "libgnutls.so.30": "GnuTLS",
    "libstdc++.so.6": "libstdc++",
    "libgcc_s.so.1": "libgcc_s",
    "libatomic.so.1": "libatomic",
    "libgomp.so.1": "libgomp",
    "libpcre2-8.so.0": "PCRE2 (8-bit)",
    "libcap.so.2": "libcap",
    "libacl.so.1": "libacl",
    "libattr.so.1": "libattr",
    "libblkid.so.1": "libblkid (util-linux)",
    "libmount.so.1": "libmount (util-linux)",
    "libkrb5.so.3": "MIT Kerberos libkrb5",
    "libgssapi_krb5.so.2": "MIT Kerberos libgssapi_krb5",
    "libnghttp2.so.14": "nghttp2",
    "libidn2.so.0": "libidn2",
    "libxml2.so.2": "libxml2",
    "libbz2.so.1.0": "bzip2",
    "libtinfo.so.6": "ncurses libtinfo",
    "libncursesw.so.6": "ncurses libncursesw",
    "libreadline.so.8": "GNU readline",
    "libsqlite3.so.0": "SQLite",
    "libpam.so.0": "Linux-PAM",
    "libaudit.so.1": "libaudit",
    "libseccomp.so.2": "libseccomp",
    "libtirpc.so.3": "libtirpc",
    "libnsl.so.2": "libnsl (libnsl2)",
    "libcrypt.so.1": "libxcrypt",
}
# libffi: any soname the archive has, not only .7 and .8.
LIBFFI_RE = re.compile(r"^libffi\.so\.[0-9]+$")

# Where a library is found by the loader of an amd64 Debian system.
SYSTEM_DIR_RE = re.compile(r"^(?:usr/)?lib/(?:x86_64-linux-gnu/)?[^/]+$")
# Debug builds of libstdc++ (libstdc++6-N-dbg): another GCC's library, same version script.
DEBUG_DIR_RE = re.compile(r"^(?:usr/)?lib/x86_64-linux-gnu/debug/[^/]+$")
OTHER_ABI_RE = re.compile(r"^(?:usr/)?lib(?:32|x32|64)/")


def is_library(name):
    return name in LIBRARIES or bool(LIBFFI_RE.match(name))


def classify(path):
    """Which kind of place a path is: system, debug, other-abi or private."""
    if SYSTEM_DIR_RE.match(path):
        return "system"
    if DEBUG_DIR_RE.match(path):
        return "debug"
    if OTHER_ABI_RE.match(path):
        return "other-abi"
    return "private"


# ---------------------------------------------------------------------------------------------
# Debian version order (dpkg's), used for upstream versions and version names alike.

def _order(c):
    if c == "~":
        return -1
    if c.isalpha():
        return ord(c)
    return ord(c) + 256


def _cmp_part(a, b):
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i]) if i < len(a) and not a[i].isdigit() else 0
            bc = _order(b[j]) if j < len(b) and not b[j].isdigit() else 0
            if ac != bc:
                return -1 if ac < bc else 1
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and a[i].isdigit() and j < len(b) and b[j].isdigit():
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return -1 if first_diff < 0 else 1
    return 0


def vercmp(a, b):
    return _cmp_part(a, b)


def vkey(v):
    """A sort key for vercmp order."""
    return functools.cmp_to_key(vercmp)(v)


def upstream_version(version):
    """The upstream part of a Debian version: no epoch, no revision, no repack suffix."""
    v = version.split(":", 1)[1] if ":" in version else version
    if "-" in v:
        v = v.rsplit("-", 1)[0]
    if "+really" in v:
        v = v.split("+really", 1)[1]
    v = re.sub(r"(?:[.+~](?:dfsg|ds|repack)[0-9]*)+$", "", v)
    return v


# ---------------------------------------------------------------------------------------------
# Indexes

def cat_files(paths):
    if not paths:
        return ""
    return subprocess.run([APT_HELPER, "cat-file", *paths], check=True, capture_output=True,
                          text=True, errors="replace").stdout


def read_packages(text):
    pkgs = {}
    for stanza in text.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            if line and not line[0].isspace() and ":" in line:
                k, v = line.split(":", 1)
                fields[k] = v.strip()
        if "Package" not in fields:
            continue
        name = fields["Package"]
        # One version per package in a suite's main; keep the highest if there were two.
        if name in pkgs and vercmp(pkgs[name]["Version"], fields["Version"]) >= 0:
            continue
        pkgs[name] = fields
    return pkgs


def release_date(lists):
    for f in sorted(os.listdir(lists)):
        if f.endswith("_InRelease"):
            with open(os.path.join(lists, f), errors="replace") as fh:
                for line in fh:
                    if line.startswith("Date:"):
                        return line.split(":", 1)[1].strip()
    return None


def cmd_plan(apt_dir, suites, out):
    plan = {"suites": [], "entries": [], "not_measured": []}
    wanted_everywhere = set()
    per_suite = []
    for suite in suites.split(","):
        d = os.path.join(apt_dir, suite)
        lists = os.path.join(d, "lists")
        if os.path.isfile(os.path.join(d, "absent")) or not os.path.isdir(lists) or not any(
                f.endswith("_InRelease") for f in os.listdir(lists)):
            plan["suites"].append({"suite": suite, "available": False})
            continue
        pk = [os.path.join(lists, f) for f in sorted(os.listdir(lists))
              if "_main_binary-amd64_Packages" in f]
        packages = read_packages(cat_files(pk))
        contents_state = "none"
        state_file = os.path.join(d, "contents-state")
        if os.path.isfile(state_file):
            contents_state = open(state_file).read().strip()
        shipped = {}  # package -> [(path, kind)]
        cfile = os.path.join(d, "Contents-amd64.gz")
        if os.path.isfile(cfile):
            for line in cat_files([cfile]).splitlines():
                parts = line.rsplit(None, 1)
                if len(parts) != 2:
                    continue
                path, owners = parts
                path = path.strip()
                if not is_library(os.path.basename(path)):
                    continue
                for owner in owners.split(","):
                    pkg = owner.rsplit("/", 1)[-1]
                    shipped.setdefault(pkg, []).append((path, classify(path)))
        plan["suites"].append({"suite": suite, "available": True,
                               "release_date": release_date(lists),
                               "contents": contents_state, "packages": len(packages)})
        per_suite.append((suite, packages, shipped))
        for pkg, paths in shipped.items():
            if any(kind in ("system", "debug") for _, kind in paths):
                wanted_everywhere.add(pkg)
    # Package names of these libraries, looked for in every suite's Packages index even where
    # its Contents index is missing or out of date; so is every package the Contents index of
    # another suite names.
    wanted_everywhere |= {"libssl1.1", "libssl3", "libssl3t64", "libcurl4", "libcurl4t64",
                          "libcurl3-gnutls", "libcurl3t64-gnutls", "libcurl4-gnutls",
                          "libstdc++6", "zlib1g"}
    for suite, packages, shipped in per_suite:
        for pkg in sorted(set(shipped) | wanted_everywhere):
            paths = shipped.get(pkg, [])
            take = [p for p, kind in paths if kind in ("system", "debug")]
            for p, kind in paths:
                if kind not in ("system", "debug"):
                    plan["not_measured"].append({
                        "suite": suite, "package": pkg, "path": p,
                        "reason": {"other-abi": "another ABI (32-bit or x32)",
                                   "private": "private directory, not on the loader's path"}[kind]})
            if pkg not in packages:
                if paths and take:
                    plan["not_measured"].append({"suite": suite, "package": pkg, "path": take[0],
                                                 "reason": "in the Contents index only"})
                continue
            if not take and pkg in shipped:
                continue
            f = packages[pkg]
            plan["entries"].append({
                "suite": suite, "package": pkg, "version": f["Version"],
                "source": f.get("Source", pkg).split()[0],
                "filename": f["Filename"], "sha256": f.get("SHA256"),
                "size": int(f.get("Size", "0")), "paths": sorted(take)})
    with open(out, "w") as fh:
        json.dump(plan, fh, indent=1, sort_keys=True)


def deb_name(entry):
    return os.path.basename(entry["filename"])


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cmd_missing(plan_file, debs):
    plan = json.load(open(plan_file))
    for e in plan["entries"]:
        d = os.path.join(debs, e["suite"])
        target = os.path.join(d, deb_name(e))
        if os.path.isfile(target) and (not e["sha256"] or sha256_of(target) == e["sha256"]):
            continue
        print(e["suite"], "%s=%s" % (e["package"], e["version"]))


def cmd_place(plan_file, debs):
    """apt-get download names a file with the epoch (%3a); give it the pool's name."""
    plan = json.load(open(plan_file))
    for e in plan["entries"]:
        d = os.path.join(debs, e["suite"])
        target = os.path.join(d, deb_name(e))
        apt_name = "%s_%s_%s.deb" % (e["package"], e["version"].replace(":", "%3a"),
                                     e["filename"].rsplit("_", 1)[-1][:-4])
        src = os.path.join(d, apt_name)
        if src != target and os.path.isfile(src):
            os.replace(src, target)
        if not os.path.isfile(target):
            sys.exit("measure: %s: %s missing after download" % (e["suite"], target))
        if e["sha256"] and sha256_of(target) != e["sha256"]:
            sys.exit("measure: %s: %s does not match the Packages index" % (e["suite"], target))


# ---------------------------------------------------------------------------------------------
# Library files

def deb_fields(deb):
    out = subprocess.run(["dpkg-deb", "-f", deb, "Package", "Version", "Source", "Architecture"],
                         check=True, capture_output=True, text=True).stdout
    fields = {}
    for line in out.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            fields[k.strip()] = v.strip()
    return fields


def extract_libraries(deb, dest):
    """Takes the library files out of a .deb: {(path of the soname link, path of the file)}.

    Cached: dest holds the files and an index of them once done."""
    index = os.path.join(dest, "index.json")
    if os.path.isfile(index):
        return json.load(open(index))
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with tempfile.TemporaryFile() as tar_file:
        subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True, stdout=tar_file)
        tar_file.seek(0)
        with tarfile.open(fileobj=tar_file) as tar:
            members = {}
            for m in tar.getmembers():
                members[os.path.normpath(m.name.lstrip("./"))] = m
            found = []
            for name in sorted(members):
                if not is_library(os.path.basename(name)):
                    continue
                if classify(name) not in ("system", "debug"):
                    continue
                target, m, hops = name, members[name], 0
                while m is not None and m.issym() and hops < 10:
                    link = m.linkname
                    target = os.path.normpath(link.lstrip("/") if link.startswith("/") else
                                              os.path.join(os.path.dirname(target), link))
                    m, hops = members.get(target), hops + 1
                if m is None or not m.isfile():
                    continue
                out = os.path.join(tmp, target)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with tar.extractfile(m) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                found.append({"path": name, "file": target})
    with open(os.path.join(tmp, "index.json"), "w") as fh:
        json.dump(found, fh)
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(tmp, dest)
    return found


def readelf(args, path):
    r = subprocess.run(["readelf", "-W", *args, path], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("measure: readelf %s %s failed: %s" % (" ".join(args), path, r.stderr.strip()))
    return r.stdout, r.stderr


ENTRY_RE = re.compile(r"Rev:\s*\d+\s+Flags:\s*(\S+(?:\s*\|\s*\S+)*)\s+Index:\s*(\d+)"
                      r"\s+Cnt:\s*(\d+)\s+Name:\s*(\S+)")


def version_definitions(path):
    """The .gnu.version_d entries in definition order: [(name, flags)], base entry first."""
    out, err = readelf(["-V"], path)
    if err.strip():
        sys.exit("measure: readelf -V %s warned: %s" % (path, err.strip()))
    defs, inside = [], False
    for line in out.splitlines():
        if line.startswith("Version definition section"):
            inside = True
            continue
        if inside and (line.startswith("Version needs section") or
                       line.startswith("Version symbols section")):
            break
        if inside:
            m = ENTRY_RE.search(line)
            if m:
                defs.append((m.group(4), m.group(1)))
    return defs


def symbols_per_node(path):
    """{version node: (default symbols, non-default symbols)} of the defined dynamic symbols."""
    out, _ = readelf(["--dyn-syms"], path)
    counts = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) < 8 or not f[0].endswith(":") or f[6] == "UND" or "@" not in f[7]:
            continue
        name = f[7]
        if "@@" in name:
            node, default = name.split("@@", 1)[1], True
        else:
            node, default = name.split("@", 1)[1], False
        d, c = counts.get(node, (0, 0))
        counts[node] = (d + 1, c) if default else (d, c + 1)
    return counts


def soname_of(path):
    out, _ = readelf(["-d"], path)
    m = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", out)
    return m.group(1) if m else None


def gather(plan, debs, files):
    measurements, notes = [], []
    for e in plan["entries"]:
        deb = os.path.join(debs, e["suite"], deb_name(e))
        fields = deb_fields(deb)
        if fields.get("Package") != e["package"] or fields.get("Version") != e["version"]:
            sys.exit("measure: %s is not %s %s" % (deb, e["package"], e["version"]))
        found = extract_libraries(deb, os.path.join(files, e["suite"], deb_name(e)[:-4]))
        if not found:
            notes.append({"suite": e["suite"], "package": e["package"], "path": None,
                          "reason": "ships none of the libraries (a transitional package)"})
            continue
        for f in found:
            lib = os.path.join(files, e["suite"], deb_name(e)[:-4], f["file"])
            defs = version_definitions(lib)
            soname = soname_of(lib)
            link = os.path.basename(f["path"])
            base = [n for n, flags in defs if "BASE" in flags]
            if defs and base != [soname]:
                sys.exit("measure: %s: base version definition %s, not the soname" % (lib, base))
            src = fields.get("Source", e["package"]).split()[0]
            counts = symbols_per_node(lib)
            nodes = [n for n, flags in defs if "BASE" not in flags]
            measurements.append({
                "soname": link, "file_soname": soname if soname != link else None,
                "suite": e["suite"], "package": e["package"],
                "package_version": e["version"], "source_package": src,
                "upstream": upstream_version(e["version"]),
                "variant": "debug build" if classify(f["path"]) == "debug" else None,
                "path": f["path"], "file": f["file"],
                "nodes": nodes,
                # Nodes no symbol is defined in (no binary can need one), and nodes whose
                # symbols are all non-default (name@NODE: kept for binaries linked before,
                # never chosen by a new link).
                "empty_nodes": [n for n in nodes if n not in counts],
                "compat_nodes": [n for n in nodes if n in counts and counts[n][0] == 0],
                "weak_nodes": [n for n, flags in defs if "WEAK" in flags]})
    return measurements, notes


# ---------------------------------------------------------------------------------------------
# Derivation rules
#
# "named": the node's name carries the upstream version that added it (group "v" of the
# pattern; "_" read as "."); the node is in every upstream version >= that one. Nodes the
# pattern does not match are taken to be in every version (checked like the others).
# "constant": the names are ABI labels, not versions; the set is the same in every version.
# "measured": no rule; the measured sets only tell between which versions a node came.
# A node that contradicts its rule in a measurement becomes an exception: its "since" is the
# first measured version having it, "absent_at" the last measured version before lacking it.

# Release dates of ncurses (the patch date a release carries). The libraries of soname 6 are
# ncurses >= 6.0, so only the dates from 6.0 on decide anything; those of 5.0, 5.2, 5.4 to 5.8,
# 6.2 and 6.5 are also in node names.
NCURSES_RELEASES = [("5.0", "19991023"), ("5.1", "20000704"), ("5.2", "20001021"),
                    ("5.3", "20021012"), ("5.4", "20040208"), ("5.5", "20051010"),
                    ("5.6", "20061217"), ("5.7", "20081102"), ("5.8", "20110226"),
                    ("5.9", "20110404"), ("6.0", "20150808"), ("6.1", "20180127"),
                    ("6.2", "20200212"), ("6.3", "20211021"), ("6.4", "20221231"),
                    ("6.5", "20240427")]


def ncurses_since(series, date):
    """A node series.date as an upstream version: "6.2" for a release, "6.2+20211010" for a
    patch date (the release it follows, not the series the name gives: 6.1.20171230 is a
    patch of 6.0)."""
    for rel, rel_date in NCURSES_RELEASES:
        if date == rel_date:
            return rel
    before = [rel for rel, rel_date in NCURSES_RELEASES if rel_date < date]
    if not before:
        return "%s+%s" % (series, date)
    return "%s+%s" % (before[-1], date)


def named(pattern, about, convert="dots"):
    return {"rule": "named", "pattern": pattern, "convert": convert, "about": about}


def constant(about):
    return {"rule": "constant", "about": about}


def measured(about):
    return {"rule": "measured", "about": about}


RULES = {
    "libz.so.1": named(
        r"^ZLIB_(?P<v>[0-9.]+)$",
        "ZLIB_x names the zlib version (development versions such as 1.2.0.2 and 1.2.7.1 "
        "included) that added the node; it is in every zlib >= x. zlib 1.2.7 (CentOS 7): "
        "ZLIB_1.2.0 .. ZLIB_1.2.5.2; ZLIB_1.2.7.1 came with 1.2.8, ZLIB_1.2.9 with 1.2.9."),
    "libssl.so.1.1": named(
        r"^OPENSSL_(?P<v>1_1_[0-9]+[a-z]?)$",
        "OPENSSL_1_1_<n><letter> names the release that added the node. Measured in one "
        "version only (1.1.1w; bullseye is the last suite with libssl1.1), so the rule is "
        "checked for consistency only. 1.1.0 and 1.1.1 were maintained in parallel: a node of "
        "a 1.1.0 letter release made after 1.1.1 (OPENSSL_1_1_0j, 1.1.0j being released with "
        "1.1.1a) is likely missing from 1.1.1 itself (unconfirmed: not measured)."),
    "libcrypto.so.1.1": named(
        r"^OPENSSL_(?P<v>1_1_[0-9]+[a-z]?)$",
        "As libssl.so.1.1: OPENSSL_1_1_<n><letter> names the release that added the node; "
        "one version measured (1.1.1w). The letter releases that added nodes: 1.1.0a, c, d, "
        "f, g, h, i, j and 1.1.1b, c, d, e, h. Same caveat for 1.1.0 letter releases after "
        "1.1.1 (OPENSSL_1_1_0j)."),
    "libcrypto.so.3": named(
        r"^OPENSSL_(?P<v>3\.[0-9]+\.[0-9]+)$",
        "OPENSSL_3.y.z names the release that added the node, patch releases of 3.0 included "
        "(OPENSSL_3.0.3, 3.0.8, 3.0.9), which the later 3.y lines carry. Across release lines "
        "'<=' is exact only when the patch release came before the line's .0 release: 3.0.9 "
        "came out with 3.1.1, after 3.1.0, so 3.1.0 is likely to lack OPENSSL_3.0.9 "
        "(unconfirmed: no 3.1 measured). Ubuntu 24.04's 3.0.13: OPENSSL_3.0.0 .. 3.0.9, no "
        "OPENSSL_3.2.0."),
    "libssl.so.3": named(
        r"^OPENSSL_(?P<v>3\.[0-9]+\.[0-9]+)$",
        "OPENSSL_3.y.z names the release that added the node; libssl gained nodes only in "
        ".0 releases (no OPENSSL_3.1.0 in libssl)."),
    "libsystemd.so.0": named(
        r"^LIBSYSTEMD_(?P<v>[0-9]+)$",
        "LIBSYSTEMD_<n> is systemd's major version n; a release that adds no symbol adds no "
        "node (no 210, 212, ...). elogind, which ships a libsystemd.so.0 of its own "
        "(libelogind0, SONAME libelogind.so.0), numbers its releases after the systemd "
        "release it follows, and the same rule holds for its version."),
    "liblzma.so.5": named(
        r"^XZ_(?P<v>[0-9.]+[a-z]*)$",
        "XZ_<major.minor> names the release that added the node (XZ_5.6.0 the full version). "
        "XZ_5.1.2alpha and XZ_5.2.2 hold only non-default symbols (name@node) for binaries "
        "linked against RHEL/CentOS 7's patched liblzma 5.2.2; upstream added them in a 5.2 "
        "update after 5.2.5, so their names say nothing about when they came."),
    "libcurl.so.4": constant(
        "CURL_<TLS flavour>_<soname major> (here CURL_OPENSSL_4) names the TLS back end "
        "libcurl was built with, not a curl version; the set is the same in every version. "
        "Which node a target's libcurl has depends on its TLS back end and packaging."),
    "libcurl-gnutls.so.4": constant(
        "Debian's GnuTLS flavour (libcurl3-gnutls, libcurl3t64-gnutls) names its node "
        "CURL_GNUTLS_3 (the libcurl3-era name) where upstream's scheme gives CURL_GNUTLS_4. "
        "The renamed package libcurl4-gnutls (8.21.0, trixie-backports) defines CURL_GNUTLS_4 "
        "as default and keeps CURL_GNUTLS_3 for older binaries: a binary linked there needs "
        "CURL_GNUTLS_4, which no Debian release's libcurl3-gnutls has. A packaging change, not "
        "a curl version: no rule from the version covers it."),
    "libffi.so.7": constant(
        "LIBFFI_<area>_<soname major>.<n> are ABI labels, not libffi releases. Measured in "
        "one version only (3.3)."),
    "libffi.so.8": constant(
        "LIBFFI_<area>_8.0 are ABI labels, not libffi releases; unchanged from 3.4.4 to "
        "3.4.8. A later libffi may add nodes (not measured)."),
    "libuuid.so.1": named(
        r"^UUID_(?P<v>[0-9._]+)$",
        "UUID_x names the util-linux release that added the node; UUIDD_PRIVATE (for uuidd) "
        "is in every version."),
    "libblkid.so.1": named(
        r"^BLKID_(?P<v>[0-9._]+)$",
        "BLKID_x names the util-linux release that added the node, with '.' up to 2.30 and "
        "'_' from 2_31 on."),
    "libmount.so.1": named(
        r"^MOUNT_(?P<v>[0-9._]+)$",
        "MOUNT_x names the util-linux release that added the node, with '.' up to 2.34 and "
        "'_' from 2_35 on."),
    "libselinux.so.1": named(
        r"^LIBSELINUX_(?P<v>[0-9.]+)$",
        "LIBSELINUX_x names the libselinux release that added the node."),
    "libgcrypt.so.20": named(
        r"^GCRYPT_(?P<v>[0-9.]+)$",
        "One node, GCRYPT_1.6, since libgcrypt 1.6 (the first of soname 20); new symbols go "
        "into it, so every libgcrypt.so.20 has the same set."),
    "libgnutls.so.30": named(
        r"^GNUTLS_(?:FIPS140_|PRIVATE_)?(?P<v>[0-9_]+)$",
        "GNUTLS_3_x_y names the release that added the node; GNUTLS_FIPS140_3_4 and "
        "GNUTLS_PRIVATE_3_4 are read as 3.4 and are in every version."),
    "libstdc++.so.6": measured(
        "GLIBCXX_3.4.n and CXXABI_1.3.n are ABI versions, not GCC releases; the GCC release "
        "that added each is known from the measurements only (the debug builds of "
        "libstdc++6-N-dbg give GCC 9, 11 and 13). GLIBCXX/CXXABI are compared by the "
        "baseline's own fields; recorded here for completeness."),
    "libgcc_s.so.1": named(
        r"^GCC_(?P<v>[0-9.]+)$",
        "GCC_x names the GCC release that added the node."),
    "libatomic.so.1": constant(
        "LIBATOMIC_1.x are ABI versions, not GCC releases; unchanged from GCC 10 to 14."),
    "libgomp.so.1": measured(
        "OMP_x, GOMP_x, OACC_x, GOACC_x name OpenMP/OpenACC specification levels and "
        "GOMP_PLUGIN_1.x an internal ABI, not GCC releases; the GCC release that added each "
        "is known from the measurements only."),
    "libkrb5.so.3": constant(
        "krb5_3_MIT is an ABI label; the same in every version (HIDDEN defines no symbol)."),
    "libgssapi_krb5.so.2": constant(
        "gssapi_krb5_2_MIT is an ABI label; the same in every version (HIDDEN defines no "
        "symbol)."),
    "libidn2.so.0": named(
        r"^IDN2_(?P<v>[0-9.]+)$",
        "IDN2_x names the libidn2 release that added the node."),
    "libxml2.so.2": named(
        r"^LIBXML2_(?P<v>[0-9.]+)$",
        "LIBXML2_x names the libxml2 release that added the node. trixie's libxml2 "
        "(2.12.7+dfsg+really2.9.14) is 2.9.14 again, so only two upstream versions are "
        "measured."),
    "libtinfo.so.6": named(
        r"^NCURSES(?:W)?6_(?:TIC_|TINFO_)?(?P<v>[0-9]+\.[0-9]+\.[0-9]{8})$",
        "Nodes are <series>.<patch date>; the date decides: a node is in every ncurses whose "
        "patch date is not earlier (release dates: 6.0 20150808, 6.1 20180127, 6.2 20200212, "
        "6.3 20211021, 6.4 20221231, 6.5 20240427). 'since' is written as the release the "
        "date follows plus the date (6.1.20171230 is '6.0+20171230'), comparable with a "
        "version such as 6.2+20210508 (Debian's and RHEL's snapshot versions). bullseye's "
        "snapshot 6.2+20201114 has NCURSES6_TINFO_6.2.current, a placeholder node for the "
        "next patch level holding _nc_tiparm, which later versions define in "
        "NCURSES6_TINFO_6.2.20211010 instead: a binary that bound _nc_tiparm there needs a "
        "node no release has.", convert="ncurses"),
    "libncursesw.so.6": named(
        r"^NCURSES(?:W)?6_(?:TIC_|TINFO_)?(?P<v>[0-9]+\.[0-9]+\.[0-9]{8})$",
        "As libtinfo.so.6 (Debian's libncursesw.so.6 defines the libtinfo and tic nodes too).",
        convert="ncurses"),
    "libpam.so.0": named(
        r"^LIBPAM_(?:EXTENSION_|MODUTIL_)?(?P<v>[0-9.]+)$",
        "LIBPAM_x, LIBPAM_EXTENSION_x, LIBPAM_MODUTIL_x name the Linux-PAM release that added "
        "the node."),
    "libtirpc.so.3": named(
        r"^TIRPC_(?P<v>[0-9.]+)$",
        "TIRPC_0.3.x date from libtirpc 0.3 and have not grown since (unchanged 1.3.1 to "
        "1.3.6); TIRPC_PRIVATE is in every version."),
    "libnsl.so.2": named(
        r"^LIBNSL_(?P<v>[0-9.]+)$",
        "LIBNSL_x names the libnsl release that added the node; LIBNSL_PRIVATE is in every "
        "version. Every suite has 1.3.0: checked for consistency only."),
    "libcrypt.so.1": named(
        r"^XCRYPT_(?P<v>[0-9.]+)$",
        "XCRYPT_x names the libxcrypt release that added the node; GLIBC_2.2.5 holds the "
        "interfaces of glibc's former libcrypt and is in every version."),
    "libacl.so.1": constant("ACL_1.x are ABI versions, not acl releases."),
    "libattr.so.1": constant("ATTR_1.x are ABI versions, not attr releases."),
}
NO_NODES = ("Defines no symbol versions: a binary's need of it is met by any version "
            "(symbols, not versions, would tell).")

# Upstream project of a source package, where it is not the source's own name.
PROJECTS = {"gnutls28": "gnutls", "xz-utils": "xz", "libzstd": "zstd", "sqlite3": "sqlite",
            "libcap2": "libcap", "libgcrypt20": "libgcrypt", "pam": "linux-pam"}


# Other implementations of a soname, kept apart from the library's own measurements.
ALTERNATIVES = {
    "elogind": "elogind's libsystemd.so.0 (package libelogind0, a symlink to libelogind.so.0), "
               "installable instead of systemd's",
}


def project_of(source):
    if re.match(r"^gcc-[0-9]+$", source):
        return "gcc"
    return PROJECTS.get(source, source)


def name_version(rule, node):
    """The upstream version a node's name gives, or None when the pattern does not match."""
    m = re.match(rule["pattern"], node)
    if not m:
        return None
    v = m.group("v")
    if rule["convert"] == "ncurses":
        series, date = v.rsplit(".", 1)
        return ncurses_since(series, date)
    return v.replace("_", ".")


def analyse(group):
    """The derive record of one library (soname, project) from its measurements."""
    ms = group["measurements"]
    soname = group["soname"]
    rule = dict(RULES.get(soname, {"rule": "none", "about": NO_NODES}))
    if not any(m["nodes"] for m in ms):
        rule = {"rule": "none", "about": NO_NODES if soname not in RULES else rule["about"]}
    # Nodes with no symbol in any file: nothing can need them.
    empty = set()
    for m in ms:
        empty |= set(m["empty_nodes"])
    for m in ms:
        empty -= set(n for n in m["nodes"] if n not in m["empty_nodes"])
    order = []
    for m in sorted(ms, key=lambda m: vkey(m["upstream"]), reverse=True):
        for n in m["nodes"]:
            if n not in order and n not in empty:
                order.append(n)
    versions = sorted({m["upstream"] for m in ms}, key=vkey)

    def present(n):
        return sorted({m["upstream"] for m in ms if n in m["nodes"]}, key=vkey)

    def predicted(n, v):
        if rule["rule"] == "named":
            nv = name_version(rule, n)
            return True if nv is None else vercmp(nv, v) <= 0
        return True

    nodes, exceptions = [], []
    for n in order:
        have = present(n)
        lacking = [v for v in versions if v not in have]
        nv = name_version(rule, n) if rule["rule"] == "named" else None
        ok = rule["rule"] in ("named", "constant") and all(
            predicted(n, m["upstream"]) == (n in m["nodes"]) for m in ms)
        if ok and nv is not None:
            nodes.append({"name": n, "since": nv, "basis": "name"})
            continue
        entry = {"name": n, "since": have[0], "basis": "measured", "present_in": have,
                 "absent_in": lacking}
        if nv is not None:
            entry["name_says"] = nv
        nodes.append(entry)
        if not ok and rule["rule"] in ("named", "constant"):
            exceptions.append(n)
    derive = {"rule": rule["rule"], "about": rule["about"], "compare": "dpkg",
              "measured_versions": versions, "reference": versions[-1] if versions else None}
    if rule["rule"] == "named":
        derive["pattern"] = rule["pattern"]
        derive["version_from_name"] = (
            "ncurses patch date" if rule["convert"] == "ncurses" else
            "group v of the pattern, '_' read as '.'")
    if empty:
        derive["ignored_nodes"] = sorted(empty)

    # The check: the rule applied to each older measured version, from each newer measured
    # set, gives exactly the older set; equal versions must have equal sets.
    checks = []
    for i, old in enumerate(versions):
        old_ms = [m for m in ms if m["upstream"] == old]
        old_set = set(old_ms[0]["nodes"]) - empty
        for m in old_ms[1:]:
            if set(m["nodes"]) - empty != old_set:
                checks.append({"older": old, "newer": old, "result": "differs",
                               "note": "two files of the same upstream version differ"})
        for new in versions[i + 1:]:
            new_set = [n for n in next(m for m in ms if m["upstream"] == new)["nodes"]
                       if n not in empty]
            if rule["rule"] in ("named", "constant"):
                derived = {n for n in new_set if predicted(n, old)}
            else:
                derived = set(new_set)
            c = {"older": old, "newer": new}
            if derived == old_set:
                c["result"] = "exact"
            else:
                c["result"] = "differs"
                if old_set - derived:
                    c["missing"] = sorted(old_set - derived)
                if derived - old_set:
                    c["extra"] = sorted(derived - old_set)
            checks.append(c)
    derive["checked_against"] = checks
    if rule["rule"] == "none":
        derive["holds"] = True
    elif len(versions) < 2:
        # One upstream version: only that each named node is not newer than it.
        derive["holds"] = None
        derive["consistent"] = not exceptions
    else:
        derive["holds"] = all(c["result"] == "exact" for c in checks)
    if exceptions:
        derive["exceptions"] = exceptions
        # With the exceptions at their measured place, does the rest hold?
        rest = all(c["result"] == "exact" or
                   set(c.get("missing", []) + c.get("extra", [])) <= set(exceptions)
                   for c in checks)
        derive["holds_apart_from_exceptions"] = rest
    # Older sets within newer ones (in definition order) whatever the rule.
    derive["monotone"] = all(
        set(a["nodes"]) - empty <= set(b["nodes"]) for a in ms for b in ms
        if vercmp(a["upstream"], b["upstream"]) < 0)
    derive["nodes"] = nodes
    return derive


def node_set(derive, version):
    """The node set of an upstream version by a derive record: (present, unknown).

    A node of basis "name" is present from its "since" on. A node of basis "measured" is
    looked up among the measured versions: present or absent where measured; between two
    measured versions that agree, as they are; above the newest, as the newest when it has
    the node (nodes are not taken away); below the oldest, absent when the oldest lacks it;
    else unknown."""
    have, unknown = [], []
    for n in derive["nodes"]:
        if n["basis"] == "name":
            if vercmp(n["since"], version) <= 0:
                have.append(n["name"])
            continue
        marks = [(v, True) for v in n["present_in"]] + [(v, False) for v in n["absent_in"]]
        exact = [p for v, p in marks if vercmp(v, version) == 0]
        lo = [(v, p) for v, p in marks if vercmp(v, version) < 0]
        hi = [(v, p) for v, p in marks if vercmp(v, version) > 0]
        lo = max(lo, key=lambda vp: vkey(vp[0]))[1] if lo else None
        hi = min(hi, key=lambda vp: vkey(vp[0]))[1] if hi else None
        if exact:
            state = exact[0]
        elif lo is None:
            state = False if hi is False else None
        elif hi is None:
            state = True if lo else None
        else:
            state = lo if lo == hi else None
        if state:
            have.append(n["name"])
        elif state is None:
            unknown.append(n["name"])
    return have, unknown


# ---------------------------------------------------------------------------------------------
# Output

METHOD = (
    "For each suite, a private apt configuration (nothing of /etc/apt read or written) fetched "
    "the Packages index of main (amd64) and the Contents index; every package of main whose "
    "files put one of the libraries' sonames on the loader's path (lib or usr/lib, with or "
    "without x86_64-linux-gnu) was taken, and the debug builds of libstdc++ "
    "(usr/lib/x86_64-linux-gnu/debug, packages libstdc++6-N-dbg: the libstdc++ of other GCC "
    "releases, same version script). Copies in private directories and 32-bit/x32 libraries "
    "were not. Each .deb was downloaded with apt-get download and checked against the "
    "Packages index; the library file the soname names (symlinks followed) was read with "
    "readelf -W -V (.gnu.version_d, definition order, the base entry naming the soname left "
    "out), readelf -W -d (SONAME) and readelf -W --dyn-syms (which nodes define symbols, and "
    "whether as default name@@node or only as name@node). The upstream version is the .deb's "
    "Version without epoch, Debian revision, repack suffix (.dfsg, +dfsg, +ds) and, for "
    "'+really' versions, what precedes 'really'.")

USAGE = (
    "Node set of upstream version V of a library (an entry of 'libraries', by soname and "
    "project): a node of basis 'name' is present when since <= V; a node of basis 'measured' "
    "is present or absent at the versions listed in present_in/absent_in, between two "
    "measured versions that agree as they are, above the newest measured version as the "
    "newest when it has the node, below the oldest absent when the oldest lacks it, and "
    "unknown otherwise. Versions compare in Debian's order (dpkg --compare-versions). Above "
    "derive.reference (the newest measured version) further nodes may exist: a needed node "
    "not listed is unknown there, not missing. Nodes in derive.ignored_nodes define no "
    "symbol. scripts/measure_library_versions.py derive FILE SONAME VERSION [PROJECT] "
    "computes it.")


def emit(value, indent=0):
    """JSON with sorted keys, two-space indent, lists of scalars on one line."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        if all(not isinstance(v, dict) and not (
                isinstance(v, list) and any(isinstance(x, (dict, list)) for x in v))
               for v in value.values()):
            flat = "{" + ", ".join("%s: %s" % (json.dumps(k), emit(value[k]))
                                   for k in sorted(value)) + "}"
            if len(flat) + len(pad) <= 200:
                return flat
        items = ["%s  %s: %s" % (pad, json.dumps(k), emit(value[k], indent + 1))
                 for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(json.dumps(v) for v in value) + "]"
        return "[\n" + ",\n".join(pad + "  " + emit(v, indent + 1) for v in value) + \
            "\n" + pad + "]"
    return json.dumps(value)


def cmd_measure(plan_file, debs, files, out, date):
    plan = json.load(open(plan_file))
    measurements, notes = gather(plan, debs, files)
    suite_order = [x["suite"] for x in plan["suites"]]
    groups = {}
    for m in measurements:
        key = (m["soname"], project_of(m["source_package"]))
        groups.setdefault(key, []).append(m)
    libraries = []
    for (soname, project), ms in sorted(groups.items(),
                                        key=lambda kv: (kv[0][0], kv[0][1] in ALTERNATIVES,
                                                        kv[0][1])):
        ms.sort(key=lambda m: (vkey(m["upstream"]), suite_order.index(m["suite"]),
                               m["package"]))
        name = LIBRARIES.get(soname, "libffi")
        group = {"soname": soname, "project": project, "library": name}
        if project in ALTERNATIVES:
            group["library"] += " (%s)" % project
            group["alternative"] = ALTERNATIVES[project]
        clean = []
        for m in ms:
            c = {k: v for k, v in m.items() if k == "nodes" or v not in (None, [])}
            c.pop("soname")
            clean.append(c)
        group["measurements"] = clean
        group["derive"] = analyse({"soname": soname, "measurements": ms})
        libraries.append(group)
    not_measured = [n for n in plan["not_measured"]
                    if not n["reason"].startswith("another ABI")] + notes
    other_abi = sorted({n["package"] for n in plan["not_measured"]
                        if n["reason"].startswith("another ABI")})
    data = {
        "description": (
            "Symbol version definitions (.gnu.version_d) of common shared libraries, measured "
            "from the library files of Debian packages, and per library the rule that gives "
            "the node set of another upstream version, checked against the measurements. "
            "Written by scripts/measure-library-versions.sh; described in docs/baselines.md "
            "(Version definitions of common libraries)."),
        "source": {
            "date": date,
            "method": METHOD,
            "archive": "the Debian archive, component main, architecture amd64",
            "suites": [{k: v for k, v in x.items() if k != "available"}
                       for x in plan["suites"] if x["available"]],
            "suites_unavailable": [x["suite"] for x in plan["suites"] if not x["available"]],
            "contents_note": (
                "contents 'unverified': the archive's Contents index did not match the "
                "SHA256 of its Release file (a mirror between two syncs) and was used "
                "unchecked, to find packages only; the packages themselves were checked."),
            "other_abi_packages_not_measured": other_abi,
        },
        "usage": USAGE,
        "libraries": libraries,
        "not_measured": sorted(not_measured, key=lambda n: (
            suite_order.index(n["suite"]), n["package"], n["path"] or "")),
    }
    tmp = out + ".tmp"
    with open(tmp, "w") as fh:
        fh.write(emit(data) + "\n")
    os.replace(tmp, out)
    summary(libraries, not_measured)


def summary(libraries, not_measured):
    rows = [("library", "versions measured", "nodes", "rule", "holds")]
    for lib in libraries:
        ms, d = lib["measurements"], lib["derive"]
        versions, counts = [], []
        for m in ms:
            if versions and versions[-1] == m["upstream"]:
                if counts[-1] != str(len(m["nodes"])):
                    counts[-1] += "/%d" % len(m["nodes"])
                continue
            versions.append(m["upstream"])
            counts.append(str(len(m["nodes"])))
        holds = {True: "yes", False: "no", None: "unchecked"}[d["holds"]]
        if d.get("exceptions"):
            holds += " (apart from %s: %s)" % (
                ", ".join(d["exceptions"]),
                "yes" if d.get("holds_apart_from_exceptions") else "no")
        label = lib["soname"] + (" (%s)" % lib["project"] if lib.get("alternative") else "")
        rows.append((label, " ".join(versions), " ".join(counts), d["rule"], holds))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(r[:4])) + "  " + r[4])
    print("figures: %d libraries, %d library files measured; %d not measured (see "
          "not_measured)" % (len(libraries), sum(len(l["measurements"]) for l in libraries),
                             len(not_measured)))


def cmd_derive(data_file, soname, version, project=None):
    data = json.load(open(data_file))
    libs = [l for l in data["libraries"] if l["soname"] == soname and
            (project is None or l["project"] == project)]
    if not libs:
        sys.exit("derive: no library %s%s" % (soname, "" if project is None else " " + project))
    for lib in libs[:1]:
        have, unknown = node_set(lib["derive"], version)
        print("%s %s (%s): %s" % (soname, version, lib["project"], " ".join(have) or "-"))
        if unknown:
            print("  unknown: %s" % " ".join(unknown))
        if vercmp(version, lib["derive"]["reference"]) > 0:
            print("  newer than the newest measured version (%s): further nodes may exist" %
                  lib["derive"]["reference"])


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "plan":
        cmd_plan(*sys.argv[2:5])
    elif cmd == "missing":
        cmd_missing(*sys.argv[2:4])
    elif cmd == "place":
        cmd_place(*sys.argv[2:4])
    elif cmd == "measure":
        cmd_measure(*sys.argv[2:7])
    elif cmd == "derive":
        cmd_derive(*sys.argv[2:6])
    else:
        sys.exit("usage: see the docstring")
