#!/usr/bin/env python3
"""Self-test of scripts/image_inventories.py: python3 scripts/image_inventories_selftest.py

Exits non-zero when a check fails. Uses the bundled Debian indexes, data/images and
data/library-versions.json; writes nothing outside a temporary directory."""

import copy
import importlib.util
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("image_inventories",
                                              os.path.join(HERE, "image_inventories.py"))
inv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(inv)

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def raises(fn, what):
    try:
        fn()
    except inv.MappingError:
        check(True, what)
        return
    check(False, what + " (no MappingError)")


# --- version parsing -------------------------------------------------------------------------
uv = inv.upstream_version
check(uv("1:1.3.dfsg-3.1ubuntu2", "dpkg") == "1.3", "dpkg epoch, .dfsg and revision dropped")
check(uv("1:1.2.11.dfsg-2ubuntu9.2", "dpkg") == "1.2.11", "dpkg zlib 1.2.11")
check(uv("5.6.1+really5.4.5-1ubuntu0.3", "dpkg") == "5.4.5", "dpkg +really")
check(uv("3.0.2-0ubuntu1.26", "dpkg") == "3.0.2", "dpkg openssl")
check(uv("1:3.0.7-27.el9", "rpm") == "3.0.7", "rpm epoch and release dropped")
check(uv("1.2.11-40.el9", "rpm") == "1.2.11", "rpm zlib")
check(uv("1.3.2-r0", "apk") == "1.3.2", "apk -rN dropped")

# --- dpkg mapping ----------------------------------------------------------------------------
m, _ = inv.map_dpkg([("libapt-pkg6.0t64", "2.8.3")], "debian-13")
check(m["libapt-pkg6.0t64"] == {"libapt-pkg.so.6.0"},
      "t64 suffix dropped when the name itself is in no index: %r" % m)
m, _ = inv.map_dpkg([("libssl3t64", "3.0.13-0ubuntu3.12")], "debian-13")
check({"libssl.so.3", "libcrypto.so.3"} <= m["libssl3t64"], "libssl3t64 -> libssl/libcrypto 3")
m, _ = inv.map_dpkg([("libc6", "2.35-0ubuntu3")], "debian-12")
check("libc.so.6" in m["libc6"] and not any(s.startswith("libc-2.") for s in m["libc6"]),
      "libc6 from one index, without versioned file names")
m, _ = inv.map_dpkg([("libc6", "2.31-0ubuntu9")], "debian-11")
check("ld-2.31.so" not in m["libc6"] and "ld-linux-x86-64.so.2" in m["libc6"],
      "glibc 2.31 versioned names are no sonames")
m, extra = inv.map_dpkg([("libsystemd0", "249.11"), ("bash", "5.1")], "debian-12")
check(m["libsystemd0"] == {"libsystemd.so.0"} and m["bash"] == set(),
      "DPKG_EXTRA entry used; a non-library package maps to nothing")
check([n for n, _ in extra] == ["libsystemd0"], "DPKG_EXTRA use reported")
m, _ = inv.map_dpkg([("libcap-ng0", "0.7.9-2.2build3"), ("libcap2", "1:2.44-1")], "debian-12")
check(m["libcap-ng0"] == {"libcap-ng.so.0"} and m["libcap2"] == {"libcap.so.2"},
      "sonames newer than the image's version are dropped (DPKG_SINCE): %r" % m)
m, _ = inv.map_dpkg([("libcap-ng0", "0.8.4-2build2")], "debian-13")
check("libdrop_ambient.so.0" in m["libcap-ng0"], "libcap-ng 0.8 has libdrop_ambient.so.0")
check(inv.index_order("debian-12")[0] == "debian-12", "the glibc's index is looked at first")
m, extra = inv.map_dpkg([("libffi6", "3.2.1-8"), ("libgcc1", "1:8.4.0-1ubuntu1~18.04"),
                         ("libreadline6", "6.3-8ubuntu2"), ("libprocps6", "2:3.3.12-3ubuntu1.2"),
                         ("e2fslibs", "1.42.13-1ubuntu1.2"), ("libcap2-bin", "1:2.24-12")],
                        "debian-11")
check(m["libffi6"] == {"libffi.so.6"} and m["libgcc1"] == {"libgcc_s.so.1"}
      and m["libreadline6"] == {"libreadline.so.6", "libhistory.so.6"}
      and m["libprocps6"] == {"libprocps.so.6"}
      and m["e2fslibs"] == {"libe2p.so.2", "libext2fs.so.2"} and m["libcap2-bin"] == set(),
      "16.04/18.04 package names mapped by DPKG_EXTRA: %r" % m)
check(len(extra) == 6, "every DPKG_EXTRA use reported, a non-lib* one too")
m, extra = inv.map_dpkg([("libc6", "2.27-3ubuntu1.6")], "debian-11", "glibc-2.23..2.27")
check({"libcrypt.so.1", "libcidn.so.1", "libc.so.6"} <= m["libc6"]
      and [n for n, _ in extra] == ["libc6"], "libc6 before glibc 2.28 gets LIBC6_EXTRA: %r" % m)
m, _ = inv.map_dpkg([("libc6", "2.31-0ubuntu9")], "debian-11")
check("libcrypt.so.1" not in m["libc6"], "without libc6_extra, bullseye's libc6 has no libcrypt")
# Debian 10 (buster): glibc 2.28 keeps libcrypt.so.1 (and, unconfirmed, the NIS modules) in
# libc6 but has no libcidn.so.1; buster's older package names come from DPKG_EXTRA.
m, extra = inv.map_dpkg([("libc6", "2.28-10+deb10u2")], "debian-11", "glibc-2.28")
check({"libcrypt.so.1", "libnss_nis.so.2", "libnss_nisplus.so.2", "libc.so.6",
       "libnsl.so.1"} <= m["libc6"] and "libcidn.so.1" not in m["libc6"]
      and [n for n, _ in extra] == ["libc6"], "libc6 2.28 gets LIBC6_EXTRA glibc-2.28: %r" % m)
m, extra = inv.map_dpkg([("libelf1", "0.176-1.1"), ("libffi6", "3.2.1-9"),
                         ("libgcc1", "1:8.3.0-6"), ("libapt-pkg5.0", "1.8.2.3"),
                         ("libnettle6", "3.4.1-1+deb10u1"), ("libhogweed4", "3.4.1-1+deb10u1"),
                         ("libsemanage1", "2.8-2"), ("libsepol1", "2.8-1"),
                         ("libtinfo6", "6.1+20181013-2+deb10u3")], "debian-11")
check(m["libelf1"] == {"libelf.so.1"} and m["libffi6"] == {"libffi.so.6"}
      and m["libgcc1"] == {"libgcc_s.so.1"} and m["libapt-pkg5.0"] == {"libapt-pkg.so.5.0"}
      and m["libnettle6"] == {"libnettle.so.6"} and m["libhogweed4"] == {"libhogweed.so.4"}
      and m["libsemanage1"] == {"libsemanage.so.1"} and m["libsepol1"] == {"libsepol.so.1"}
      and "libtinfo.so.6" in m["libtinfo6"],
      "Debian 10 package names: DPKG_EXTRA (libelf1 without libelf-0.183.so) and index: %r" % m)
check([n for n, _ in extra] == ["libelf1", "libffi6", "libgcc1", "libapt-pkg5.0", "libnettle6",
                                "libhogweed4"], "Debian 10 DPKG_EXTRA uses reported: %r" % extra)
raises(lambda: inv.map_dpkg([("libnosuchthing42", "1.0-1")], "debian-12"),
       "an unknown lib* dpkg package fails")

# --- rpm and apk tables ----------------------------------------------------------------------
m = inv.map_rpm([("zlib", "1.2.7-18.el7"), ("openssl-libs", "1.0.2k-19.el7"),
                 ("bash", "4.2.46-34.el7")], "el7")
check(m["zlib"] == {"libz.so.1"} and m["openssl-libs"] == {"libssl.so.10", "libcrypto.so.10"},
      "rpm table el7")
check(m["bash"] == set(), "rpm non-library package maps to nothing")
raises(lambda: inv.map_rpm([("libnosuchthing", "1-1.el9")], "el9"),
       "an unknown lib* rpm package fails")
raises(lambda: inv.map_rpm([("frobnicate-libs", "1-1.el9")], "el9"),
       "an unknown *-libs rpm package fails")
m = inv.map_apk([("musl", "1.2.5-r12"), ("busybox", "1.37.0-r20")], ["x86_64", "aarch64"])
check(m["musl"] == {"libc.so", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1"},
      "musl answers libc.so and libc.musl-<arch>.so.1 per architecture")
raises(lambda: inv.map_apk([("libfrob", "1-r0")], ["x86_64"]), "an unknown lib* apk fails")

# --- details ---------------------------------------------------------------------------------
with open(inv.VERSIONS, encoding="utf-8") as f:
    data = json.load(f)
detail, up = inv.derive_detail(data, "libz.so.1", "zlib", "1.2.7-18.el7", "rpm")
check(up == "1.2.7", "zlib upstream 1.2.7")
check(detail["versions"][-1] == "ZLIB_1.2.5.2" and "ZLIB_1.2.9" in detail["lacks"],
      "zlib 1.2.7 has ZLIB_1.2.5.2 and lacks ZLIB_1.2.9: %r" % detail)
check(not set(detail["versions"]) & set(detail["lacks"]), "versions and lacks are disjoint")
detail, _ = inv.derive_detail(data, "liblzma.so.5", "xz-libs", "5.2.5-8.el9_0", "rpm")
check("XZ_5.2" in detail["versions"] and "XZ_5.4" in detail["lacks"]
      and "XZ_5.1.2alpha" not in detail["lacks"],
      "liblzma 5.2.5: exception nodes are never claimed absent: %r" % detail)
detail, _ = inv.derive_detail(data, "libssl.so.3", "libssl3t64", "3.5.5-1ubuntu3.2", "dpkg")
check("OPENSSL_3.5.0" in detail["versions"] and detail["lacks"] == [],
      "libssl 3.5.5 has every node through OPENSSL_3.5.0")
check(inv.derive_detail(data, "libffi.so.8", "libffi8", "3.4.2-4", "dpkg") is None,
      "a version below every measurement gives no detail")
m = {"libsystemd0": {"libsystemd.so.0"}, "zlib-ng-compat": {"libz.so.1"}}
d, _ = inv.details_for("rpm", m, {"libsystemd0": "257-23.el10", "zlib-ng-compat": "2.2.3-3"},
                       data)
check(d == {}, "rpm family: libsystemd left out; zlib-ng's libz left out")

# --- package lists and the whole table -------------------------------------------------------
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "x.txt")
    with open(path, "w") as f:
        f.write("# repo: r\n# path: p\n# commit: c\n# image: i:1\n# format: apk\nzlib 1.3-r0\n")
    header, packages = inv.read_package_list(path)
    check(header["image"] == "i:1" and packages == [("zlib", "1.3-r0")], "package list read")
    with open(path, "w") as f:
        f.write("# repo: r\n# path: p\nzlib 1.3-r0\n")
    raises(lambda: inv.read_package_list(path), "a package list without provenance fails")

with open(inv.BASELINES, encoding="utf-8") as f:
    table = json.load(f)
work = copy.deepcopy(table)
inv.build(work, data)
once = inv.dump(work)
inv.build(work, data)
check(inv.dump(work) == once, "the script is idempotent (a second run changes nothing)")
check(once == inv.dump(table), "data/baselines.json is what the script writes (run it)")
by_id = {t["id"]: t for t in work["targets"]}
for target_id in inv.TARGETS:
    t = by_id[target_id]
    lib = t["libraries"]
    check(lib["inventory"]["coverage"] == "package-list", target_id + ": package-list")
    check(lib["default"] == sorted(set(lib["default"])), target_id + ": default sorted, unique")
    listed = set(lib["default"])
    check(not listed & {o["soname"] for o in lib.get("installable", [])},
          target_id + ": no installable entry is in the image")
    check(not listed & {a["soname"] for a in lib.get("absent", [])},
          target_id + ": no absent entry is in the image")
    check(set(t["openssl"]["default"]) <= listed, target_id + ": openssl.default in the image")
    check("repo-info" in lib["inventory"]["source"] and "@" in lib["inventory"]["source"],
          target_id + ": source names repository and commit")
for t in work["targets"]:
    if (t["family"] in ("debian", "ubuntu", "rhel", "amazonlinux", "alpine")
            and t["kind"] == "distro"):
        coverage = t["libraries"]["inventory"]["coverage"]
        check(coverage == "package-list" or t["id"] not in inv.TARGETS,
              t["id"] + ": in TARGETS means package-list")

# package_names: the Debian index Ubuntu's names follow, where one is configured, else none.
for target_id, cfg in inv.TARGETS.items():
    names = by_id[target_id]["libraries"].get("package_names")
    if cfg.get("names_index"):
        check(names is not None and names["index"] == cfg["names_index"] and
              os.path.exists(os.path.join(inv.ARCHIVE, names["index"] + ".txt")),
              target_id + ": package_names names a bundled index")
    else:
        check(names is None, target_id + ": no package_names without names_index")
d10 = by_id["debian-10"]
check(d10["openssl"]["default"] == [] and
      {o["soname"] for o in d10["openssl"]["installable"]} == {"libssl.so.1.1", "libcrypto.so.1.1"},
      "debian-10: the buster image has no libssl1.1; its sonames are installable")
check("package_names" not in d10["libraries"], "debian-10: no package_names (bullseye's differ)")
check("libelf-0.183.so" not in d10["libraries"]["default"], "debian-10: no bullseye file names")
probe = copy.deepcopy(by_id["ubuntu-22.04"])
inv.set_package_names(probe, None)
check("package_names" not in probe["libraries"], "set_package_names(None) removes the entry")

print("%d passed, %d failed" % (checks - len(failures), len(failures)))
sys.exit(1 if failures else 0)
