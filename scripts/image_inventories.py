#!/usr/bin/env python3
"""Library inventories of the targets no root is captured for (debian-10 and the non-Debian
targets), made from the package lists of their official container images.

Input: data/images/<target-id>.txt, one "name version" line per installed package, copied
from docker-library/repo-info (repos/<image>/local/<tag>.md) with a header naming the repository,
path, commit, image tag and date. Output: for those targets only, in data/baselines.json,

  libraries.default          the sonames of the image (sorted)
  libraries.default_source   where the list comes from
  libraries.inventory        {"coverage": "package-list", "image", "method", "source"}
  libraries.installable      entries whose soname is now in the image are dropped
  libraries.absent           entries whose soname is now in the image are dropped
  libraries.details          version definitions derived from the image's package versions
  libraries.details_source   how they were derived
  openssl.default            the libssl/libcrypto sonames of the image
  openssl.installable        entries whose soname is now in the image are dropped

Every other field is left as it is.

How a package becomes sonames:

  dpkg (Ubuntu, Debian 10)
                  Debian's archive indexes (data/archive/debian-11/12/13.txt, "soname package"
                  lines from Debian's Contents-amd64) inverted to package -> sonames. The
                  package name is looked up as it is, then without the t64 suffix of the 64-bit
                  time_t transition (libssl3t64 -> libssl3). libc6 is read from the one index
                  whose glibc is closest to the release's (the other packages from all three,
                  which differ only where a soname moved). A lib* package that maps to nothing
                  must be in DPKG_EXTRA (with the reason), else the script fails.
  rpm (CentOS, EL rebuilds, Amazon Linux), apk (Alpine)
                  explicit tables below (RPM_TABLES, APK_TABLE), one per EL major / Amazon
                  Linux release, every entry commented; a package that looks like a library
                  (lib*, *-libs, *-lib or one of KNOWN_LIBRARY_PACKAGES) and is not in the
                  table makes the script fail, so the tables cannot fall behind the images.

Version definitions (details) come from data/library-versions.json by the rule of
scripts/measure_library_versions.py (node_set) applied to the upstream version of the package
that ships the library.

Usage:
  python3 scripts/image_inventories.py            write data/baselines.json
  python3 scripts/image_inventories.py --check    write nothing; exit 1 when it would change
  python3 scripts/image_inventories.py --report   also print each target's mapping
"""

import argparse
import importlib.util
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASELINES = os.path.join(ROOT, "data", "baselines.json")
IMAGES = os.path.join(ROOT, "data", "images")
ARCHIVE = os.path.join(ROOT, "data", "archive")
VERSIONS = os.path.join(ROOT, "data", "library-versions.json")

_spec = importlib.util.spec_from_file_location(
    "measure_library_versions", os.path.join(ROOT, "scripts", "measure_library_versions.py"))
mlv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mlv)


class MappingError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Targets

# target id -> how its package list is read.
#   table: the RPM table (RPM_TABLES key); "apk" for Alpine; "dpkg" for Ubuntu
#   libc_index: for dpkg, the Debian index whose libc6 stands for the release's glibc
#   names_index: for dpkg, the Debian index of the release Ubuntu's package names follow, given
#     as libraries.package_names: the likely package of a library the image lacks (16.04 and
#     18.04 have none: their names differ too often from bullseye's, libcurl3 against libcurl4)
#   libc6_extra: for dpkg, a LIBC6_EXTRA key: sonames the release's libc6 ships that the
#                index's newer libc6 no longer does
TARGETS = {
    # glibc 2.23 and 2.27 are older than every Debian index here; bullseye's 2.31 is nearest
    "ubuntu-16.04": {"kind": "dpkg", "libc_index": "debian-11",  # glibc 2.23 ~ bullseye 2.31
                     "libc6_extra": "glibc-2.23..2.27"},
    "ubuntu-18.04": {"kind": "dpkg", "libc_index": "debian-11",  # glibc 2.27 ~ bullseye 2.31
                     "libc6_extra": "glibc-2.23..2.27"},
    "ubuntu-20.04": {"kind": "dpkg", "libc_index": "debian-11",  # glibc 2.31 ~ bullseye 2.31
                     "names_index": "debian-11"},
    "ubuntu-22.04": {"kind": "dpkg", "libc_index": "debian-12",  # glibc 2.35 ~ bookworm 2.36
                     "names_index": "debian-12"},
    "ubuntu-24.04": {"kind": "dpkg", "libc_index": "debian-13",  # glibc 2.39 ~ trixie 2.41
                     "names_index": "debian-13"},  # both after the 64-bit time_t renames (t64)
    "ubuntu-26.04": {"kind": "dpkg", "libc_index": "debian-13",  # glibc 2.43 ~ trixie 2.41
                     "names_index": "debian-13"},
    # Debian 10 buster: glibc 2.28, older than every Debian index here; bullseye's 2.31 is
    # nearest. No names_index: buster's names differ from bullseye's where a soname changed
    # (libffi6, libnettle6, libreadline7, libprocps7, libapt-pkg5.0 against bullseye's
    # libffi7, libnettle8, libreadline8, libprocps8, libapt-pkg6.0), so a bullseye name is no
    # safe hint.
    "debian-10": {"kind": "dpkg", "libc_index": "debian-11",  # glibc 2.28 ~ bullseye 2.31
                  "libc6_extra": "glibc-2.28"},
    "centos-7": {"kind": "rpm", "table": "el7"},
    "rhel-8": {"kind": "rpm", "table": "el8"},
    "rhel-9": {"kind": "rpm", "table": "el9"},
    "rhel-10": {"kind": "rpm", "table": "el10"},
    "amazonlinux-2": {"kind": "rpm", "table": "al2"},
    "amazonlinux-2023": {"kind": "rpm", "table": "al2023"},
    "alpine-3.18": {"kind": "apk"},
    "alpine-3.19": {"kind": "apk"},
    "alpine-3.20": {"kind": "apk"},
    "alpine-3.21": {"kind": "apk"},
    "alpine-3.22": {"kind": "apk"},
    "alpine-3.23": {"kind": "apk"},
    "alpine-3.24": {"kind": "apk"},
}

# Images standing in for a target that repo-info lacks, said plainly in method and source.
STAND_INS = {
    "rhel-8": "almalinux:8.10-20260902 stands in for the UBI 8 image, which repo-info does not "
              "have (AlmaLinux 8.10 is a binary-compatible rebuild of RHEL 8.10; UBI may hold "
              "fewer packages)",
    "rhel-9": "almalinux:9.8-20260902 stands in for the UBI 9 image, which repo-info does not "
              "have (AlmaLinux 9.8 is a binary-compatible rebuild of RHEL 9.8; UBI may hold "
              "fewer packages)",
    "rhel-10": "oraclelinux:10 (Oracle Linux 10.2) stands in for the UBI 10 image, which "
               "repo-info does not have (a rebuild of RHEL 10.2 with Oracle's own .0.1 "
               "releases of some packages; UBI may hold fewer packages); repo-info's almalinux "
               "10.2 page was not used because its stored copy lists this same Oracle Linux "
               "package set",
}

# ---------------------------------------------------------------------------------------------
# Package lists


def read_package_list(path):
    """(header fields, [(name, version)]) of a data/images file."""
    header, packages = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("#"):
                m = re.match(r"#\s*([a-z]+):\s*(.*)$", line)
                if m:
                    header[m.group(1)] = m.group(2).strip()
                continue
            parts = line.split()
            if len(parts) != 2:
                raise MappingError("%s: not a 'name version' line: %r" % (path, line))
            packages.append((parts[0], parts[1]))
    for key in ("repo", "path", "commit", "image", "format"):
        if key not in header:
            raise MappingError("%s: header lacks '%s'" % (path, key))
    return header, packages


def upstream_version(version, fmt):
    """The upstream part of a package version: no epoch, no distro revision.

    dpkg: as scripts/measure_library_versions.py (also drops .dfsg repacks and keeps what
    follows +really). rpm: the version of version-release. apk: the version of version-rN."""
    if fmt == "dpkg":
        return mlv.upstream_version(version)
    v = version.split(":", 1)[1] if ":" in version else version
    if "-" in v:
        v = v.rsplit("-", 1)[0]
    return v


# ---------------------------------------------------------------------------------------------
# dpkg: Debian's archive indexes inverted

INDEXES = ("debian-11", "debian-12", "debian-13")


def read_index(name):
    by_package = {}
    with open(os.path.join(ARCHIVE, name + ".txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 2:
                continue
            soname, package = parts
            # glibc before 2.34 installed its libraries under versioned file names
            # (libc-2.31.so, ld-2.31.so) behind the sonames; those names are no sonames.
            if package == "libc6" and re.search(r"-\d[\d.]*\.so$", soname):
                continue
            by_package.setdefault(package, set()).add(soname)
    return by_package


_index_cache = {}


def index(name):
    if name not in _index_cache:
        _index_cache[name] = read_index(name)
    return _index_cache[name]


# lib* packages (and a few others) that Debian's indexes cannot map, with the reason.
# An empty list: the package ships no library on the loader's path.
DPKG_EXTRA = {
    "libc-bin": ([], "glibc's programs (ldconfig, locale); no library"),
    "libc-gconv-modules-extra": ([], "iconv modules in the gconv directory; no library"),
    "libpam-modules": ([], "PAM modules in the security directory; no library on the path"),
    "libpam-modules-bin": ([], "helper programs of the PAM modules"),
    "libpam-runtime": ([], "PAM configuration and pam-auth-update"),
    "libaudit-common": ([], "configuration of libaudit"),
    "libsemanage-common": ([], "configuration of libsemanage"),
    "libtirpc-common": ([], "netconfig file of libtirpc"),
    # Debian's indexes give libsystemd.so.0 of bullseye and bookworm to libelogind0 (one
    # package per soname); systemd's libsystemd0 ships it in every release.
    # The index keeps libbz2.so.1 and drops libbz2.so.1.0, the library's DT_SONAME, as if it
    # were a versioned file name behind it; Debian and Ubuntu ship both names.
    "libbz2-1.0": (["libbz2.so.1", "libbz2.so.1.0"], "libbz2.so.1.0 (DT_SONAME) and "
                   "libbz2.so.1; the index has only the latter"),
    # Nettle 3.5 (Ubuntu 20.04): sonames of that release, packaged in no Debian index here
    "libnettle7": (["libnettle.so.7"], "Nettle 3.5; no Debian index here has libnettle7"),
    "libhogweed5": (["libhogweed.so.5"], "Nettle 3.5; no Debian index here has libhogweed5"),
    "libsystemd0": (["libsystemd.so.0"], "libsystemd.so.0; the bullseye and bookworm indexes "
                    "name libelogind0 for it"),
    # Package names of Ubuntu 16.04 and 18.04 that no Debian index here has (the library under
    # an older soname, or the package renamed since); the sonames are those of the upstream
    # release the package name stands for.
    "libgcc1": (["libgcc_s.so.1"], "GCC's libgcc_s.so.1 under its name before GCC 10; the "
                "Debian indexes name libgcc-s1"),
    "libffi6": (["libffi.so.6"], "libffi 3.2 (Ubuntu 16.04 to 19.10, Debian 10); no Debian "
                "index here has libffi6"),
    "libnettle6": (["libnettle.so.6"], "Nettle 3.4 (Ubuntu 18.04, Debian 10); no Debian index "
                   "here has libnettle6"),
    "libhogweed4": (["libhogweed.so.4"], "Nettle 3.4 (Ubuntu 18.04, Debian 10); no Debian index "
                    "here has libhogweed4"),
    "libprocps4": (["libprocps.so.4"], "procps 3.3.10 (Ubuntu 16.04); no Debian index here has "
                   "libprocps4"),
    "libprocps6": (["libprocps.so.6"], "procps 3.3.12 (Ubuntu 18.04); no Debian index here has "
                   "libprocps6"),
    "libapt-pkg5.0": (["libapt-pkg.so.5.0"], "APT 1.1 to 1.8 (Ubuntu 16.04, 18.04; Debian 10's "
                      "APT 1.8.2); no Debian index here has libapt-pkg5.0"),
    "libreadline6": (["libreadline.so.6", "libhistory.so.6"], "GNU Readline 6 (Ubuntu 16.04); no "
                     "Debian index here has libreadline6"),
    "libcomerr2": (["libcom_err.so.2"], "e2fsprogs' libcom_err.so.2 under its name before "
                   "1.43.9; the Debian indexes name libcom-err2"),
    "e2fslibs": (["libe2p.so.2", "libext2fs.so.2"], "e2fsprogs' libraries under their package "
                 "name before 1.43.9; the Debian indexes name libext2fs2"),
    "libcryptsetup4": (["libcryptsetup.so.4"], "cryptsetup 1.6 (Ubuntu 16.04); no Debian index "
                       "here has libcryptsetup4"),
    "libcap2-bin": ([], "libcap's programs (capsh, getcap, setcap) and pam_cap.so in the "
                    "security directory; no library on the path"),
    # Debian 10 (buster); libgcc1, libffi6, libnettle6/libhogweed4, libapt-pkg5.0 and
    # libsystemd0 above serve it too.
    "libelf1": (["libelf.so.1"], "elfutils' libelf.so.1; the bullseye index also names "
                "elfutils 0.183's versioned file libelf-0.183.so, no soname (Debian 10's elfutils "
                "0.176 has libelf-0.176.so behind libelf.so.1)"),
}

# Sonames of a release's libc6 that the index's (newer) libc6 no longer ships, by the key a
# target names in TARGETS (libc6_extra), with the reason. Before glibc 2.28 libc6 also held
# libcidn.so.1 (glibc's own IDNA library, removed in 2.28), libcrypt.so.1 (Debian and Ubuntu
# moved it to libxcrypt's libcrypt1 with glibc 2.29/2.31) and the NIS modules libnss_nis.so.2
# and libnss_nisplus.so.2 (glibc deprecated them in 2.26 and Debian ships them in
# libnss-nis/libnss-nisplus, by Debian's notes from bullseye on; whether buster's glibc 2.28
# already left them out is unconfirmed, see below). libcidn.so.1 and libcrypt.so.1 of Ubuntu 16.04
# and 18.04 libc6 are certain; the two NIS modules in 18.04's libc6 2.27 are unconfirmed (not
# checked against the 2.27-3ubuntu1 file list).
#
# Debian 10's libc6 2.28: libcidn.so.1 is gone (glibc 2.28 removed it); libcrypt.so.1 is still
# in libc6 (Debian's libxcrypt package libcrypt1 came with bullseye; the buster image lists no
# libcrypt1, and its PAM and shadow need libcrypt.so.1), certain;
# libnsl.so.1 is in bullseye's libc6 too, so nothing to add. The NIS modules are unconfirmed
# (not checked against the 2.28-10+deb10u2 file list): buster has no libnss-nis/libnss-nisplus
# package in this image's list, and Debian's notes put the NIS split in bullseye
# (wiki.debian.org/BullseyeNis), so they are taken to be in buster's libc6 still.
#
# key -> (sonames, reason, what is unconfirmed, older package names of that release that
# DPKG_EXTRA maps; the last two for the method text)
LIBC6_EXTRA = {
    "glibc-2.23..2.27": (["libcidn.so.1", "libcrypt.so.1", "libnss_nis.so.2",
                          "libnss_nisplus.so.2"],
                         "glibc before 2.28: libcidn.so.1, libcrypt.so.1, libnss_nis.so.2 and "
                         "libnss_nisplus.so.2 still in libc6",
                         "the NIS modules of glibc 2.27 unconfirmed",
                         "libgcc1, libffi6, libreadline6, libprocps4/6, libapt-pkg5.0, e2fslibs, "
                         "libcomerr2 and the like"),
    "glibc-2.28": (["libcrypt.so.1", "libnss_nis.so.2", "libnss_nisplus.so.2"],
                   "glibc 2.28 of Debian 10: libcrypt.so.1 still in libc6 (libxcrypt's "
                   "libcrypt1 from bullseye on), libnss_nis.so.2 and libnss_nisplus.so.2 "
                   "taken to be in libc6 (split out in bullseye); libcidn.so.1 gone in 2.28",
                   "the NIS modules of buster's libc6 unconfirmed",
                   "libgcc1, libffi6, libnettle6/libhogweed4, libapt-pkg5.0; libelf1 without "
                   "bullseye's versioned libelf-0.183.so"),
}


# Sonames a package gained at some upstream version: the Debian index that names them may be
# of a newer release than the image. The versions are the first Debian upstream version known
# to ship them (bookworm); the exact release that added them is unconfirmed, but bullseye's
# libcap2 2.44 and libcap-ng0 0.7.9 have neither.
DPKG_SINCE = {
    ("libcap2", "libpsx.so.2"): "2.45",
    ("libcap-ng0", "libdrop_ambient.so.0"): "0.8",
}


def index_order(libc_index):
    """The Debian indexes, the one of the release's glibc first, then by distance from it."""
    at = INDEXES.index(libc_index)
    return sorted(INDEXES, key=lambda ix: (abs(INDEXES.index(ix) - at), -INDEXES.index(ix)))


def map_dpkg(packages, libc_index, libc6_extra=None):
    """{package: sonames}, [(package, how)] for the lib* packages mapped by DPKG_EXTRA.

    A package is looked up in the index of the release's glibc first, then in the nearer of
    the others; the first index that names it gives its sonames. libc6_extra (a LIBC6_EXTRA
    key) adds the sonames an older libc6 ships and the index's libc6 does not."""
    mapping, extra_used = {}, []
    order = index_order(libc_index)
    for name, version in packages:
        if name in DPKG_EXTRA:
            mapping[name] = set(DPKG_EXTRA[name][0])
            extra_used.append((name, DPKG_EXTRA[name][1]))
            continue
        found = set()
        candidates = [name]
        if name.endswith("t64"):
            candidates.append(name[:-3])
        for candidate in candidates:
            ixs = [libc_index] if candidate == "libc6" else order
            for ix in ixs:
                found = set(index(ix).get(candidate, set()))
                if found:
                    break
            if found:
                break
        upstream = upstream_version(version, "dpkg")
        for (package, soname), since in DPKG_SINCE.items():
            if package == name and soname in found and mlv.vercmp(upstream, since) < 0:
                found.discard(soname)
        if name == "libc6" and libc6_extra:
            found |= set(LIBC6_EXTRA[libc6_extra][0])
            extra_used.append((name, LIBC6_EXTRA[libc6_extra][1]))
        if not found and name.startswith("lib"):
            raise MappingError("dpkg package %s looks like a library, but no Debian index "
                               "maps it and DPKG_EXTRA does not list it" % name)
        mapping[name] = found
    return mapping, extra_used


# ---------------------------------------------------------------------------------------------
# rpm: explicit tables
#
# Sonames of the x86_64 package, from the packages' file lists as shipped by RHEL/CentOS,
# the EL rebuilds and Amazon Linux. "unconfirmed" marks an entry not checked against a file
# list of that exact release. Left out on purpose everywhere: glibc's preload helpers
# (libSegFault.so, libmemusage.so, libpcprofile.so; glibc-utils or glibc varies by release,
# and no program links them), plug-in modules in private directories (PKCS#11, PAM, OpenSSL
# providers, NSS-softokn checks), programs.

GLIBC_COMMON = ["ld-linux-x86-64.so.2", "libBrokenLocale.so.1", "libanl.so.1", "libc.so.6",
                "libdl.so.2", "libm.so.6", "libnss_compat.so.2", "libnss_dns.so.2",
                "libnss_files.so.2", "libpthread.so.0", "libresolv.so.2", "librt.so.1",
                "libthread_db.so.1", "libutil.so.1"]
GLIB2 = ["libgio-2.0.so.0", "libglib-2.0.so.0", "libgmodule-2.0.so.0", "libgobject-2.0.so.0",
         "libgthread-2.0.so.0"]
NCURSES5 = ["libform.so.5", "libformw.so.5", "libmenu.so.5", "libmenuw.so.5", "libncurses.so.5",
            "libncursesw.so.5", "libpanel.so.5", "libpanelw.so.5", "libtinfo.so.5"]
NCURSES6 = [s.replace(".so.5", ".so.6") for s in NCURSES5]
KRB5 = ["libgssapi_krb5.so.2", "libgssrpc.so.4", "libk5crypto.so.3", "libkrad.so.0",
        "libkrb5.so.3", "libkrb5support.so.0"]  # libkdb5.so.N left out: N unconfirmed
NSS = {  # the same names from EL7 to AL2 (nss 3.53 .. 3.90)
    "nspr": ["libnspr4.so", "libplc4.so", "libplds4.so"],
    "nss": ["libnss3.so", "libsmime3.so", "libssl3.so"],
    "nss-util": ["libnssutil3.so"],
    "nss-softokn": ["libsoftokn3.so"],
    "nss-softokn-freebl": ["libfreebl3.so", "libfreeblpriv3.so"],
    "nss-sysinit": ["libnsssysinit.so"],
    "nss-pem": ["libnsspem.so"],
}

# Shared by every table: the same package, the same sonames, whatever the release.
RPM_COMMON = {
    "libgcc": ["libgcc_s.so.1"],
    "libstdc++": ["libstdc++.so.6"],
    "libgomp": ["libgomp.so.1"],
    "zlib": ["libz.so.1"],
    "bzip2-libs": ["libbz2.so.1"],  # Fedora/RHEL name it libbz2.so.1, not Debian's .1.0
    "xz-libs": ["liblzma.so.5"],
    "lz4-libs": ["liblz4.so.1"],
    "libzstd": ["libzstd.so.1"],
    "expat": ["libexpat.so.1"],
    "libacl": ["libacl.so.1"],
    "libattr": ["libattr.so.1"],
    "libcap": ["libcap.so.2"],  # libpsx.so.2 (libcap >= 2.43) left out: packaging unconfirmed
    "libcap-ng": ["libcap-ng.so.0"],  # libdrop_ambient.so.0 (0.8.1+) left out: unconfirmed
    "libselinux": ["libselinux.so.1"],
    "libblkid": ["libblkid.so.1"],
    "libmount": ["libmount.so.1"],
    "libsmartcols": ["libsmartcols.so.1"],
    "libuuid": ["libuuid.so.1"],
    "libfdisk": ["libfdisk.so.1"],
    "libcom_err": ["libcom_err.so.2"],
    "keyutils-libs": ["libkeyutils.so.1"],
    "krb5-libs": KRB5,
    "libverto": ["libverto.so.1"],
    "libgpg-error": ["libgpg-error.so.0"],
    "libtasn1": ["libtasn1.so.6"],
    "p11-kit": ["libp11-kit.so.0"],
    "libidn2": ["libidn2.so.0"],
    "libnghttp2": ["libnghttp2.so.14"],
    "libpsl": ["libpsl.so.5"],
    "libcurl": ["libcurl.so.4"],
    "libcurl-minimal": ["libcurl.so.4"],
    "cyrus-sasl-lib": ["libsasl2.so.3"],
    "popt": ["libpopt.so.0"],
    "file-libs": ["libmagic.so.1"],
    "elfutils-libelf": ["libelf.so.1"],
    "elfutils-libs": ["libasm.so.1", "libdw.so.1"],
    "elfutils-debuginfod-client": ["libdebuginfod.so.1"],
    "audit-libs": ["libaudit.so.1", "libauparse.so.0"],
    "dbus-libs": ["libdbus-1.so.3"],
    "dbus-glib": ["libdbus-glib-1.so.2"],
    "glib2": GLIB2,  # glib >= 2.80 also has libgirepository-2.0.so.0: packaging unconfirmed
    "systemd-libs": ["libsystemd.so.0", "libudev.so.1"],  # nss modules left out: unconfirmed
    "pam": ["libpam.so.0", "libpam_misc.so.0", "libpamc.so.0"],  # EL7..EL9: one package
    "libpwquality": ["libpwquality.so.1"],
    "cracklib": ["libcrack.so.2"],
    "libutempter": ["libutempter.so.0"],
    "libseccomp": ["libseccomp.so.2"],
    "libassuan": ["libassuan.so.0"],
    "libksba": ["libksba.so.8"],
    "npth": ["libnpth.so.0"],
    "gpgme": ["libgpgme.so.11"],
    "kmod-libs": ["libkmod.so.2"],
    "device-mapper-libs": ["libdevmapper.so.1.02"],
    "libxml2": ["libxml2.so.2"],
    "libyaml": ["libyaml-0.so.2"],
    "libsigsegv": ["libsigsegv.so.2"],
    "libarchive": ["libarchive.so.13"],
    "libsolv": ["libsolv.so.1", "libsolvext.so.1"],
    "librepo": ["librepo.so.0"],
    "libdnf": ["libdnf.so.2"],
    "libmodulemd": ["libmodulemd.so.2"],
    "libtool-ltdl": ["libltdl.so.7"],
    "libeconf": ["libeconf.so.0"],
    "libdb": ["libdb-5.3.so"],
    "libtirpc": ["libtirpc.so.3"],
    "libnsl2": ["libnsl.so.2"],
    "libusbx": ["libusb-1.0.so.0"],
    "libssh2": ["libssh2.so.1"],
    "libmetalink": ["libmetalink.so.3"],
    "libffi": None,  # by release, see the tables
    # Packages that look like libraries but put none on the loader's path.
    "libdb-utils": [],  # db_* programs
    "libxml2-python": [],  # Python module
    "libreport-filesystem": [],  # directories only
    "libselinux-utils": [],  # programs
    "libssh-config": [],  # configuration
    "p11-kit-trust": [],  # PKCS#11 module in /usr/lib64/pkcs11
    "python-libs": None,  # by release
    "python3-libs": None,  # by release
    "openssl-fips-provider": [],  # OpenSSL provider module in ossl-modules
    "openssl-fips-provider-so": [],  # idem
    "openssl-fips-provider-latest": [],  # idem
    "libcomps": [],  # soname unconfirmed (dnf's comps parser); left out
    "tpm2-tss": [],  # libtss2-*.so.0: set unconfirmed; left out
    "authselect-libs": [],  # libauthselect.so.N: N unconfirmed; left out
    "ima-evm-utils": [],  # libimaevm.so.N: N unconfirmed; left out
    "binutils": [],  # private libbfd-<version>.so/libopcodes-<version>.so: names unconfirmed
}
RPM_COMMON.update(NSS)

# Entries the Fedora-derived releases share (RHEL 9, RHEL 10, Amazon Linux 2023): the
# same sonames in each.
FEDORA_ERA = {
    "libxcrypt": ["libcrypt.so.2"],  # libcrypt.so.1 is libxcrypt-compat
    "openssl-libs": ["libcrypto.so.3", "libssl.so.3"],
    "ncurses-libs": NCURSES6,
    "libsepol": ["libsepol.so.2"],
    "pcre2": ["libpcre2-8.so.0"],
    "libffi": ["libffi.so.8"],
    "gmp": ["libgmp.so.10"],
    "mpfr": ["libmpfr.so.6"],
    "gdbm-libs": ["libgdbm.so.6", "libgdbm_compat.so.4"],
    "json-c": ["libjson-c.so.5"],
    "readline": ["libhistory.so.8", "libreadline.so.8"],
    "sqlite-libs": ["libsqlite3.so.0"],
    "lua-libs": ["liblua-5.4.so"],
}

RPM_TABLES = {
    # CentOS 7 (glibc 2.17: libcrypt in glibc, no libmvec; NIS and nss_db still in glibc)
    "el7": {
        "glibc": GLIBC_COMMON + ["libcidn.so.1", "libcrypt.so.1", "libnsl.so.1", "libnss_db.so.2",
                                 "libnss_hesiod.so.2", "libnss_nis.so.2", "libnss_nisplus.so.2"],
        "openssl-libs": ["libcrypto.so.10", "libssl.so.10"],
        "ncurses-libs": NCURSES5,
        "libsepol": ["libsepol.so.1"],
        "libsemanage": ["libsemanage.so.1"],
        # EL7's pcre package holds every flavour (split into subpackages from EL8 on)
        "pcre": ["libpcre.so.1", "libpcre16.so.0", "libpcre32.so.0", "libpcrecpp.so.0",
                 "libpcreposix.so.0"],
        "lz4": ["liblz4.so.1"],  # the library was in the main lz4 package on EL7
        "libffi": ["libffi.so.6"],
        "libgcrypt": ["libgcrypt.so.11"],
        "libidn": ["libidn.so.11"],
        "openldap": ["liblber-2.4.so.2", "libldap-2.4.so.2", "libldap_r-2.4.so.2"],
        "gdbm": ["libgdbm.so.4", "libgdbm_compat.so.4"],
        "gmp": ["libgmp.so.10", "libgmpxx.so.4"],
        "json-c": ["libjson-c.so.2", "libjson.so.0"],  # libjson.so.0: compat name, unconfirmed
        "readline": ["libhistory.so.6", "libreadline.so.6"],
        "sqlite": ["libsqlite3.so.0"],
        "cryptsetup-libs": ["libcryptsetup.so.12"],
        "gobject-introspection": ["libgirepository-1.0.so.1"],
        "pth": ["libpth.so.20"],
        "gpgme": ["libgpgme.so.11", "libgpgme-pthread.so.11"],
        "libuser": ["libuser.so.1"],
        "ustr": ["libustr-1.0.so.1"],  # unconfirmed
        "lua": ["liblua-5.1.so"],
        "qrencode-libs": ["libqrencode.so.3"],
        "python-libs": ["libpython2.7.so.1.0"],
        "rpm-libs": ["librpm.so.3", "librpmio.so.3"],
        "rpm-build-libs": ["librpmbuild.so.3", "librpmsign.so.1"],
        "procps-ng": ["libprocps.so.4"],  # unconfirmed (procps-ng 3.3.10 ships libprocps)
        # systemd 219: EL7 also built the compat libsystemd-{daemon,id128,journal,login}.so.0
        # (unconfirmed for the container image's systemd-libs); left out
    },
    # Amazon Linux 2 (glibc 2.26 with libcrypt split out; otherwise EL7-like)
    "al2": {
        "glibc": GLIBC_COMMON + ["libmvec.so.1", "libnsl.so.1"],  # libnsl.so.1: unconfirmed
        "libcrypt": ["libcrypt.so.1"],
        "openssl-libs": ["libcrypto.so.10", "libssl.so.10"],
        "ncurses-libs": NCURSES6,
        "libsepol": ["libsepol.so.1"],
        "pcre": ["libpcre.so.1", "libpcre16.so.0", "libpcre32.so.0", "libpcrecpp.so.0",
                 "libpcreposix.so.0"],  # EL7-style single package, unconfirmed for AL2
        "libffi": ["libffi.so.6"],
        "libgcrypt": ["libgcrypt.so.11"],
        "libunistring": ["libunistring.so.0"],
        "openldap": ["liblber-2.4.so.2", "libldap-2.4.so.2", "libldap_r-2.4.so.2"],
        "gdbm": ["libgdbm.so.4", "libgdbm_compat.so.4"],
        "gmp": ["libgmp.so.10", "libgmpxx.so.4"],
        "readline": ["libhistory.so.6", "libreadline.so.6"],
        "sqlite": ["libsqlite3.so.0"],
        "pth": ["libpth.so.20"],
        "gpgme": ["libgpgme.so.11", "libgpgme-pthread.so.11"],
        "lua": ["liblua-5.1.so"],
        "python-libs": ["libpython2.7.so.1.0"],
        "rpm-libs": ["librpm.so.3", "librpmio.so.3"],
        "rpm-build-libs": ["librpmbuild.so.3", "librpmsign.so.1"],
    },
    # RHEL 8 (AlmaLinux 8.10)
    "el8": {
        "glibc": GLIBC_COMMON + ["libmvec.so.1", "libnsl.so.1"],  # libnsl.so.1 kept in glibc
        "libxcrypt": ["libcrypt.so.1"],
        "openssl-libs": ["libcrypto.so.1.1", "libssl.so.1.1"],
        "ncurses-libs": NCURSES6,
        "libsepol": ["libsepol.so.1"],
        "libsemanage": ["libsemanage.so.1"],
        "pcre": ["libpcre.so.1", "libpcreposix.so.0"],  # cpp/utf16/utf32 are subpackages
        "pcre2": ["libpcre2-8.so.0"],  # posix/utf16/utf32 are subpackages
        "libffi": ["libffi.so.6"],
        "libgcrypt": ["libgcrypt.so.20"],
        "gnutls": ["libgnutls.so.30"],
        "nettle": ["libhogweed.so.4", "libnettle.so.6"],
        "gmp": ["libgmp.so.10"],  # libgmpxx is in gmp-c++
        "mpfr": ["libmpfr.so.4"],
        "libunistring": ["libunistring.so.2"],
        "openldap": ["liblber-2.4.so.2", "libldap-2.4.so.2", "libldap_r-2.4.so.2"],
        "gdbm-libs": ["libgdbm.so.6", "libgdbm_compat.so.4"],
        "gdbm": [],  # programs; the libraries are in gdbm-libs
        "json-c": ["libjson-c.so.4"],
        "readline": ["libhistory.so.7", "libreadline.so.7"],
        "sqlite-libs": ["libsqlite3.so.0"],
        "cryptsetup-libs": ["libcryptsetup.so.12"],
        "lua-libs": ["liblua-5.3.so"],
        "python3-libs": ["libpython3.6m.so.1.0", "libpython3.so"],
        "rpm-libs": ["librpm.so.8", "librpmio.so.8"],
        "rpm-build-libs": ["librpmbuild.so.8", "librpmsign.so.8"],
    },
    # RHEL 9 (AlmaLinux 9.8)
    "el9": {
        **FEDORA_ERA,
        "glibc": GLIBC_COMMON + ["libc_malloc_debug.so.0", "libmvec.so.1",
                                 "libnsl.so.1"],  # libnsl.so.1: kept in glibc (unconfirmed)
        "libsemanage": ["libsemanage.so.2"],
        "pcre": ["libpcre.so.1", "libpcreposix.so.0"],
        "libgcrypt": ["libgcrypt.so.20"],
        "gnutls": ["libgnutls.so.30"],
        "nettle": ["libhogweed.so.6", "libnettle.so.8"],
        "libunistring": ["libunistring.so.2"],
        "openldap": ["liblber.so.2", "libldap.so.2"],
        "libevent": ["libevent-2.1.so.7", "libevent_core-2.1.so.7", "libevent_extra-2.1.so.7",
                     "libevent_openssl-2.1.so.7", "libevent_pthreads-2.1.so.7"],  # unconfirmed
        "python3-libs": ["libpython3.9.so.1.0", "libpython3.so"],
        "rpm-libs": ["librpm.so.9", "librpmio.so.9"],
        "rpm-build-libs": ["librpmbuild.so.9"],
        "rpm-sign-libs": ["librpmsign.so.9"],
    },
    # RHEL 10 (Oracle Linux 10.2)
    "el10": {
        **FEDORA_ERA,
        # libnsl.so.1 left out: its packaging in EL10 is unconfirmed
        "glibc": GLIBC_COMMON + ["libc_malloc_debug.so.0", "libmvec.so.1"],
        "libsemanage": ["libsemanage.so.2"],
        "gnutls": ["libgnutls.so.30"],
        "libunistring": ["libunistring.so.5"],
        "zlib-ng-compat": ["libz.so.1"],
        "libbrotli": ["libbrotlicommon.so.1", "libbrotlidec.so.1", "libbrotlienc.so.1"],
        "libssh": ["libssh.so.4"],
        "openldap": ["liblber.so.2", "libldap.so.2"],
        "gdbm": [],  # programs
        "libevent": ["libevent-2.1.so.7", "libevent_core-2.1.so.7", "libevent_extra-2.1.so.7",
                     "libevent_openssl-2.1.so.7", "libevent_pthreads-2.1.so.7"],  # unconfirmed
        "libedit": ["libedit.so.0"],
        "libestr": ["libestr.so.0"],
        "libfastjson": ["libfastjson.so.4"],
        "libfido2": ["libfido2.so.1"],
        "libcbor": ["libcbor.so.0.11"],  # unconfirmed
        "mpdecimal": ["libmpdec.so.3"],  # unconfirmed (libmpdec++ left out)
        "pam": [],  # modules and programs; the libraries are in pam-libs from EL10 on
        "pam-libs": ["libpam.so.0", "libpam_misc.so.0", "libpamc.so.0"],
        "procps-ng": ["libproc2.so.0"],  # unconfirmed (procps-ng 4 ships libproc2)
        "python3-libs": ["libpython3.12.so.1.0", "libpython3.so"],
        "rpm-libs": ["librpm.so.10", "librpmio.so.10"],
        "rpm-build-libs": ["librpmbuild.so.10"],
        "rpm-sign-libs": ["librpmsign.so.10"],
        "rpm-sequoia": ["librpm_sequoia.so.1"],
    },
    # Amazon Linux 2023 (Fedora 34-36 based)
    "al2023": {
        **FEDORA_ERA,
        # libnsl.so.1 is in Fedora's separate libnsl package, not in this image
        "glibc": GLIBC_COMMON + ["libc_malloc_debug.so.0", "libmvec.so.1"],
        "libgcrypt": ["libgcrypt.so.20"],
        "libunistring": ["libunistring.so.2"],
        "python3-libs": ["libpython3.9.so.1.0", "libpython3.so"],
        "rpm-libs": ["librpm.so.9", "librpmio.so.9"],
        "rpm-build-libs": ["librpmbuild.so.9"],
        "rpm-sign-libs": ["librpmsign.so.9"],
    },
}

# Packages whose names do not say "library" but that ship one: a new one of these must be
# added to the tables by hand (the check below cannot see it).
KNOWN_LIBRARY_PACKAGES = {
    "glibc", "zlib", "zlib-ng-compat", "expat", "pcre", "pcre2", "gmp", "mpfr", "nettle",
    "gnutls", "p11-kit", "popt", "readline", "sqlite", "json-c", "lz4", "glib2", "openldap",
    "lua", "gdbm", "npth", "gpgme", "pth", "ustr", "nspr", "nss", "nss-util", "nss-softokn",
    "nss-softokn-freebl", "nss-sysinit", "nss-pem", "cracklib", "pam", "dbus-glib",
    "gobject-introspection", "tpm2-tss", "mpdecimal", "procps-ng", "rpm-sequoia",
    "ima-evm-utils", "elfutils-debuginfod-client",
}


def looks_like_library(name):
    return (name.startswith("lib") or name.endswith("-libs") or name.endswith("-lib")
            or name in KNOWN_LIBRARY_PACKAGES)


def rpm_table(key):
    table = {k: v for k, v in RPM_COMMON.items() if v is not None}
    table.update(RPM_TABLES[key])
    return table


def map_rpm(packages, key):
    table = rpm_table(key)
    mapping = {}
    for name, _ in packages:
        if name in table:
            mapping[name] = set(table[name])
        elif looks_like_library(name):
            raise MappingError("rpm package %s looks like a library but is not in the %s table"
                               % (name, key))
        else:
            mapping[name] = set()
    return mapping


# ---------------------------------------------------------------------------------------------
# apk: explicit table (Alpine 3.18 .. 3.24 base images)

MUSL_ARCH = {"x86_64": "x86_64", "aarch64": "aarch64", "armv7l": "armv7", "i686": "x86",
             "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}

APK_TABLE = {
    # musl: ld-musl answers NEEDED libc.so and libc.musl-<arch>.so.1 itself (one per
    # architecture of the target, see apk_musl)
    "musl": None,
    "zlib": ["libz.so.1"],
    "libssl3": ["libssl.so.3"],
    "libcrypto3": ["libcrypto.so.3"],
    "libc-utils": [],  # meta package
    # apk-tools' own library (libapk.so.2.14.x in apk-tools or libapk2, libapk.so.3.0.x in
    # libapk): exact soname unconfirmed; no program outside apk links it; left out
    "libapk2": [],
    "libapk": [],
}


def map_apk(packages, architectures):
    mapping = {}
    for name, _ in packages:
        if name == "musl":
            mapping[name] = {"libc.so"} | {"libc.musl-%s.so.1" % MUSL_ARCH[a]
                                           for a in architectures}
        elif name in APK_TABLE:
            mapping[name] = set(APK_TABLE[name])
        elif looks_like_library(name):
            raise MappingError("apk package %s looks like a library but is not in APK_TABLE"
                               % name)
        else:
            mapping[name] = set()
    return mapping


# ---------------------------------------------------------------------------------------------
# Version definitions

# sonames that get derived details, by family; the rest of the list of common libraries is
# left out where the distribution is known to add version nodes of its own (backports) or
# where the shipped library is not the upstream one measured.
DETAIL_SONAMES = ["libz.so.1", "libssl.so.3", "libcrypto.so.3", "libssl.so.1.1",
                  "libcrypto.so.1.1", "libsystemd.so.0", "liblzma.so.5", "libzstd.so.1",
                  "libcurl.so.4", "libexpat.so.1", "libffi.so.7", "libffi.so.8", "libuuid.so.1",
                  "libselinux.so.1", "libgcrypt.so.20", "libgnutls.so.30"]
DETAIL_SKIP = {
    # RHEL and its rebuilds, Amazon Linux: openssl, systemd, curl and gnutls carry backported
    # functions; whether under new version nodes is unconfirmed, so no node is claimed absent
    "rpm": {"libssl.so.3", "libcrypto.so.3", "libssl.so.1.1", "libcrypto.so.1.1",
            "libsystemd.so.0", "libcurl.so.4", "libgnutls.so.30"},
    "dpkg": set(),
    "apk": set(),
}
# zlib-ng's compat libz.so.1 is not zlib: its version is zlib-ng's, not zlib's
DETAIL_SKIP_PACKAGES = {"zlib-ng-compat"}


def library_entry(data, soname):
    libs = [l for l in data["libraries"] if l["soname"] == soname]
    # libsystemd.so.0 has a systemd and an elogind entry; the images ship systemd's
    libs = [l for l in libs if l["project"] != "elogind"]
    return libs[0] if libs else None


def derive_detail(data, soname, package, version, fmt):
    """The detail of `soname` shipped by `package` at `version`, or None."""
    lib = library_entry(data, soname)
    if lib is None:
        return None
    upstream = upstream_version(version, fmt)
    derive = lib["derive"]
    have, unknown = mlv.node_set(derive, upstream)
    ignored = set(derive.get("ignored_nodes") or [])
    # Exceptions are nodes a distribution added out of upstream's order (liblzma's RHEL 7
    # compatibility nodes): never claim one absent from another distribution's build.
    exceptions = set(derive.get("exceptions") or [])
    names = [n["name"] for n in derive["nodes"]]
    lacks = [n for n in names if n not in have and n not in unknown and n not in ignored
             and n not in exceptions]
    have = [n for n in have if n not in ignored]
    if not have and derive["rule"] != "none":
        return None  # nothing known: no detail rather than an empty one
    return {"package": package, "versions": have, "lacks": lacks}, upstream


def details_for(target_kind, mapping, versions, data):
    details, notes = {}, []
    for soname in DETAIL_SONAMES:
        if soname in DETAIL_SKIP[target_kind]:
            continue
        owners = sorted(p for p, s in mapping.items() if soname in s)
        if not owners:
            continue
        package = owners[0]
        if package in DETAIL_SKIP_PACKAGES:
            continue
        got = derive_detail(data, soname, package, versions[package], target_kind)
        if got is None:
            continue
        detail, upstream = got
        details[soname] = detail
        notes.append("%s %s" % (soname, upstream))
    return details, notes


# ---------------------------------------------------------------------------------------------
# Target update

OPENSSL_PREFIX = "default: the libssl/libcrypto sonames in the image package list ("
OPENSSL_SEP = "; earlier: "


def method_text(kind, target_id):
    common = ("every package of the image's package list mapped to the sonames it puts on the "
              "loader's path (scripts/image_inventories.py); ")
    if kind == "dpkg":
        text = (common + "dpkg names looked up in Debian's archive indexes "
                "(data/archive/debian-11/12/13.txt, from Contents-amd64) inverted to package -> "
                "sonames, as named or without the t64 suffix, from the index of the nearest "
                "glibc (%s) first, then the nearer others; libpsx.so.2 and libdrop_ambient.so.0 "
                "only from libcap2 2.45 and libcap-ng0 0.8 on; lib* packages the indexes cannot map are in the script's "
                "DPKG_EXTRA table with the reason (no library: libc-bin, libpam-modules, "
                "*-common; libsystemd0, which Debian's older indexes give to libelogind0)"
                % TARGETS[target_id]["libc_index"])
        libc6_extra = TARGETS[target_id].get("libc6_extra")
        if libc6_extra:
            sonames, why, unconfirmed, old_names = LIBC6_EXTRA[libc6_extra]
            text += ("; older package names no Debian index here has (%s) in DPKG_EXTRA with "
                     "the sonames of their upstream release; libc6 of this release also given "
                     "%s (LIBC6_EXTRA: %s; %s)" % (old_names, ", ".join(sonames), why,
                                                   unconfirmed))
    elif kind == "rpm":
        text = (common + "rpm names mapped by the script's explicit table for %s (every entry "
                "commented; 'unconfirmed' entries not checked against that release's file "
                "list; a library-looking package missing from the table fails the script); "
                "glibc's preload helpers (libSegFault.so, libmemusage.so, libpcprofile.so) and "
                "modules in private directories left out" % TARGETS[target_id]["table"])
    else:
        text = (common + "apk names mapped by the script's explicit table: musl gives libc.so "
                "and libc.musl-<arch>.so.1 for each architecture of the target (the musl "
                "loader answers both), zlib, libssl3, libcrypto3; apk-tools' own libapk left "
                "out (soname unconfirmed)")
    if target_id in STAND_INS:
        text += "; " + STAND_INS[target_id]
    return text


def source_text(header):
    # the table's convention for data files: owner/repo@commit path
    return "%s@%s %s (%s, created %s)" % (header["repo"], header["commit"], header["path"],
                                          header["image"], header.get("created", "?"))


def image_tag(header):
    return header["image"].split(" ", 1)[0]


def update_target(t, header, packages, mapping, data, extra_used=()):
    """Apply the inventory to target dict `t` in place; return a report of changes."""
    kind = header["format"]
    versions = dict(packages)
    sonames = set()
    for s in mapping.values():
        sonames |= s
    default = sorted(sonames)
    lib = t["libraries"]
    report = {"id": t["id"], "count": len(default), "dropped_installable": [],
              "dropped_absent": [], "dropped_openssl_installable": [], "moved_openssl": []}
    src = source_text(header)
    lib["default"] = default
    lib["default_source"] = ("package list of the %s image, %s, mapped to sonames by "
                             "scripts/image_inventories.py" % (image_tag(header), src))
    lib["inventory"] = {"coverage": "package-list", "image": image_tag(header),
                        "method": method_text(kind, t["id"]), "source": src}
    keep = []
    for offer in lib.get("installable", []):
        if offer["soname"] in sonames:
            report["dropped_installable"].append(offer["soname"])
        else:
            keep.append(offer)
    lib["installable"] = keep
    if "absent" in lib:
        keep = []
        for absent in lib["absent"]:
            if absent["soname"] in sonames:
                report["dropped_absent"].append(absent["soname"])
            else:
                keep.append(absent)
        lib["absent"] = keep
    details, notes = details_for(kind, mapping, versions, data)
    if details:
        lib["details"] = details
        skipped = sorted(DETAIL_SKIP[kind] & sonames)
        text = ("derived from the upstream version of the package that ships each library in "
                "the image (%s; package version without epoch and distro revision) by the rule "
                "of data/library-versions.json (scripts/measure_library_versions.py node_set): "
                "'versions' are the nodes known present, 'lacks' the nodes known absent, any "
                "other node unknown; a distribution that backports functions under newer nodes "
                "would have more than upstream (unconfirmed for these packages)"
                % ", ".join(notes))
        if skipped:
            text += ("; left out: %s (RHEL-family builds carry backports; which nodes they "
                     "add is unconfirmed)" % ", ".join(skipped))
        lib["details_source"] = text
    else:
        lib.pop("details", None)
        lib.pop("details_source", None)

    ossl = t["openssl"]
    old_default = list(ossl["default"])
    new_default = sorted(s for s in default
                         if s.startswith("libssl.so") or s.startswith("libcrypto.so"))
    keep = []
    for offer in ossl.get("installable", []):
        if offer["soname"] in sonames:
            report["dropped_openssl_installable"].append(offer["soname"])
        else:
            keep.append(offer)
    for soname in old_default:
        if soname not in sonames:
            package = OPENSSL_NOT_IN_IMAGE.get((t["id"], soname))
            if package is None:
                raise MappingError("%s: openssl.default had %s, which the image lacks; name "
                                   "its package in OPENSSL_NOT_IN_IMAGE" % (t["id"], soname))
            keep.append({"soname": soname, "package": package})
            report["moved_openssl"].append(soname)
    ossl["default"] = new_default
    ossl["installable"] = keep
    owners = sorted({"%s %s" % (p, versions[p]) for p, s in mapping.items()
                     if any(x in new_default for x in s)})
    rest = ossl["source"]
    if rest.startswith(OPENSSL_PREFIX):
        rest = rest.split(OPENSSL_SEP, 1)[1] if OPENSSL_SEP in rest else ""
    prefix = OPENSSL_PREFIX + ("%s) of %s" % (", ".join(owners) or "none", src)) + ")"
    ossl["source"] = prefix + (OPENSSL_SEP + rest if rest else "")
    report["extra"] = list(extra_used)
    return report


# (target, soname) -> package, for an old openssl.default soname the image does not have
OPENSSL_NOT_IN_IMAGE = {
    # the focal image has no libssl1.1 (nothing in it needs OpenSSL)
    ("ubuntu-20.04", "libssl.so.1.1"): "libssl1.1",
    ("ubuntu-20.04", "libcrypto.so.1.1"): "libssl1.1",
    # the bionic image has no libssl1.1, the xenial image no libssl1.0.0 (their package lists
    # name no libssl package)
    ("ubuntu-18.04", "libssl.so.1.1"): "libssl1.1",
    ("ubuntu-18.04", "libcrypto.so.1.1"): "libssl1.1",
    ("ubuntu-16.04", "libssl.so.1.0.0"): "libssl1.0.0",
    ("ubuntu-16.04", "libcrypto.so.1.0.0"): "libssl1.0.0",
    # the buster image has no libssl1.1 (its package list names no libssl package; the
    # hand-typed list said so too)
    ("debian-10", "libssl.so.1.1"): "libssl1.1",
    ("debian-10", "libcrypto.so.1.1"): "libssl1.1",
}


def build(table, data, only=None):
    reports = []
    by_id = {t["id"]: t for t in table["targets"]}
    for target_id, cfg in TARGETS.items():
        if only and target_id not in only:
            continue
        path = os.path.join(IMAGES, target_id + ".txt")
        if not os.path.exists(path):
            raise MappingError("%s: no package list %s" % (target_id, path))
        header, packages = read_package_list(path)
        t = by_id[target_id]
        extra = []
        if cfg["kind"] == "dpkg":
            mapping, extra = map_dpkg(packages, cfg["libc_index"], cfg.get("libc6_extra"))
        elif cfg["kind"] == "rpm":
            mapping = map_rpm(packages, cfg["table"])
        else:
            mapping = map_apk(packages, t["architectures"])
        if header["format"] != cfg["kind"]:
            raise MappingError("%s: package list format %s, expected %s"
                               % (target_id, header["format"], cfg["kind"]))
        reports.append(update_target(t, header, packages, mapping, data, extra))
        set_package_names(t, cfg.get("names_index"))
    return reports


def set_package_names(t, index):
    """libraries.package_names: a Debian index whose package names the release mostly shares."""
    lib = t["libraries"]
    if not index:
        lib.pop("package_names", None)
        return
    lib["package_names"] = {
        "index": index,
        "source": ("the package names of the Debian archive index data/archive/%s.txt (the "
                   "libraries.archive of target %s), which %s mostly shares: the likely package "
                   "of a library the image lacks, not %s's own archive; scripts/"
                   "image_inventories.py" % (index, index, t["id"], t["id"]))}


def dump(table):
    return json.dumps(table, indent=2, ensure_ascii=False) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 when data/baselines.json differs")
    ap.add_argument("--report", action="store_true", help="print each target's mapping")
    ap.add_argument("--baselines", default=BASELINES)
    args = ap.parse_args(argv)
    with open(args.baselines, encoding="utf-8") as f:
        before = f.read()
    table = json.loads(before)
    with open(VERSIONS, encoding="utf-8") as f:
        data = json.load(f)
    try:
        reports = build(table, data)
    except MappingError as e:
        print("image_inventories: %s" % e, file=sys.stderr)
        return 2
    after = dump(table)
    for r in reports:
        line = "%s: %d sonames" % (r["id"], r["count"])
        for key in ("dropped_installable", "dropped_absent", "dropped_openssl_installable",
                    "moved_openssl"):
            if r[key]:
                line += "; %s %s" % (key.replace("_", " "), ", ".join(r[key]))
        if args.report or args.check is False:
            print(line)
        if args.report and r["extra"]:
            for name, why in r["extra"]:
                print("  lib* package mapped by DPKG_EXTRA: %s (%s)" % (name, why))
    if args.check:
        if after != before:
            print("image_inventories: %s differs from what the package lists give; run "
                  "python3 scripts/image_inventories.py" % os.path.relpath(args.baselines, ROOT),
                  file=sys.stderr)
            return 1
        print("image_inventories: %s is up to date" % os.path.relpath(args.baselines, ROOT))
        return 0
    if after != before:
        with open(args.baselines, "w", encoding="utf-8") as f:
            f.write(after)
    return 0


if __name__ == "__main__":
    sys.exit(main())
