#!/usr/bin/env python3
"""Self-test of loader_diff.py's ldd parser and comparison, on canned ldd output (as the ldd of
glibc 2.31 to 2.41 prints it) and canned portcheck file objects (docs/json.md). Run by
scripts/loader-diff.sh before the real comparison, so that a comparer that can no longer tell a
false pass or a false fail fails first. Python 3 standard library only."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loader_diff as ld  # noqa: E402

M = ld.MOUNT + "/bookworm"
PROG = M + "/tool/usr/bin/tool"
LIBFOO = M + "/tool/usr/lib/tool/libfoo.so.1"

# ldd of a program built on glibc 2.36 that needs OpenSSL 3, in a bullseye root.
LDD_OPENSSL3_BULLSEYE = (
    "\tlinux-vdso.so.1 (0x00007f93ea0d2000)\n"
    "\tlibssl.so.3 => not found\n"
    "\tlibcrypto.so.3 => not found\n"
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f93e9eef000)\n"
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007f93ea0d4000)\n",
    f"{PROG}: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found "
    f"(required by {PROG})\n",
    0)
# Version needs flagged VER_FLG_WEAK: ld.so only warns.
LDD_WEAK = (
    "\tlinux-vdso.so.1 (0x00007f82fa3c6000)\n"
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f82fa1e3000)\n"
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007f82fa3c8000)\n",
    f"{PROG}: /lib/x86_64-linux-gnu/libc.so.6: weak version `GLIBC_2.33' not found "
    f"(required by {PROG})\n"
    f"{PROG}: /lib/x86_64-linux-gnu/libc.so.6: weak version `GLIBC_2.34' not found "
    f"(required by {PROG})\n",
    0)
LDD_LOADS = (
    "\tlinux-vdso.so.1 (0x00007fc29ec7e000)\n"
    "\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007fc29eb1d000)\n"
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fc29e8e6000)\n"
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007fc29ec80000)\n",
    f"ldd: warning: you do not have execution permission for `{PROG}'\n", 0)
LDD_STATIC = ("", "\tnot a dynamic executable\n", 1)
LDD_STATIC_PIE = ("\tstatically linked\n", "", 0)
# A library loaded through the program's RUNPATH=$ORIGIN/../lib/tool whose own NEEDED libbar.so.2
# is not found, and a version the loaded library needs.
LDD_TRANSITIVE = (
    "\tlinux-vdso.so.1 (0x00007fff3a5e2000)\n"
    f"\tlibfoo.so.1 => {LIBFOO} (0x00007f1c9a400000)\n"
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1c9a21e000)\n"
    "\tlibbar.so.2 => not found\n"
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007f1c9a5f4000)\n",
    f"{PROG}: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found "
    f"(required by {LIBFOO})\n",
    0)
LDD_ODD = ("\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1c9a21e000)\n",
           f"{PROG}: error while loading shared libraries: libc.so.6: cannot map segment\n", 127)


def finding(rule, severity, message, culprits):
    return {"rule": rule, "severity": severity, "message": message, "hint": "",
            "culprits": culprits, "suppressed": None}


def file_obj(needed, findings, loads=(), target="debian-12"):
    return {"path": "x", "status": "pass", "elf": {"needed": list(needed)}, "loads": list(loads),
            "targets": [{"id": target, "verdict": "pass", "findings": findings},
                        {"id": "debian-13", "verdict": "pass", "findings": []}]}


KEYS = {PROG: "bookworm/tool/usr/bin/tool", LIBFOO: "bookworm/tool/usr/lib/tool/libfoo.so.1"}
NEEDED = {"bookworm/tool/usr/lib/tool/libfoo.so.1": ["libbar.so.2", "libc.so.6"]}


def judge(ldd_output, fobj, target="debian-12"):
    ldd = ld.parse_ldd(*ldd_output)
    key = KEYS[PROG]
    attributed = ld.attribute_ldd(ldd, key, fobj["elf"]["needed"], KEYS.get,
                                  lambda k: NEEDED.get(k, []))
    findings = ld.portcheck_view(fobj, target)
    return ld.classify(ldd, attributed, findings), attributed


class ParseLdd(unittest.TestCase):
    def test_not_found_and_versions(self):
        ldd = ld.parse_ldd(*LDD_OPENSSL3_BULLSEYE)
        self.assertEqual(ldd["not_found"], ["libssl.so.3", "libcrypto.so.3"])
        self.assertEqual(ldd["found"]["libc.so.6"], "/lib/x86_64-linux-gnu/libc.so.6")
        self.assertEqual(ldd["versions"], [{"library": "/lib/x86_64-linux-gnu/libc.so.6",
                                            "version": "GLIBC_2.34", "required_by": PROG,
                                            "weak": False}])
        self.assertEqual(ldd["unknown"], [])
        self.assertTrue(ld.loader_refuses(ldd))

    def test_weak_versions_load(self):
        ldd = ld.parse_ldd(*LDD_WEAK)
        self.assertEqual([v["weak"] for v in ldd["versions"]], [True, True])
        self.assertFalse(ld.loader_refuses(ldd))

    def test_loads_static_and_warnings(self):
        for output in (LDD_LOADS, LDD_STATIC, LDD_STATIC_PIE):
            ldd = ld.parse_ldd(*output)
            self.assertEqual(ldd["unknown"], [], output)
            self.assertFalse(ld.loader_refuses(ldd), output)
        self.assertTrue(ld.parse_ldd(*LDD_STATIC)["static"])

    def test_library_without_version_information_loads(self):
        out = ("\tlibapt-private.so.0.0 => /lib/x86_64-linux-gnu/libapt-private.so.0.0 "
               "(0x00007fcdff7ed000)\n",
               f"{PROG}: /lib/x86_64-linux-gnu/libapt-private.so.0.0: no version information "
               f"available (required by {PROG})\n", 0)
        ldd = ld.parse_ldd(*out)
        self.assertEqual((ldd["unknown"], len(ldd["warnings"])), ([], 1))
        self.assertFalse(ld.loader_refuses(ldd))

    def test_unexplained_output_is_kept(self):
        ldd = ld.parse_ldd(*LDD_ODD)
        self.assertEqual(len(ldd["unknown"]), 2)  # the line and the exit code
        self.assertEqual(judge(LDD_ODD, file_obj(["libc.so.6"], []))[0][0], "loader-unparsed")
        # A static file with an exit code other than 1 is not explained either.
        self.assertEqual(ld.parse_ldd("", "\tnot a dynamic executable\n", 2)["unknown"],
                         ["(ldd exit code 2)"])


class Compare(unittest.TestCase):
    def test_false_pass(self):
        # libssl.so.3 listed as in the image although the loader does not find it.
        fobj = file_obj(["libssl.so.3", "libcrypto.so.3", "libc.so.6"], [])
        (cls, _), _ = judge(LDD_OPENSSL3_BULLSEYE, fobj)
        self.assertEqual(cls, "false-pass")
        # Findings of rules that are not counted do not make it a refusal.
        fobj = file_obj(["libssl.so.3", "libcrypto.so.3", "libc.so.6"],
                        [finding("kernel-version", "fail", "needs kernel 9.0", ["9.0.0"])])
        self.assertEqual(judge(LDD_OPENSSL3_BULLSEYE, fobj)[0][0], "false-pass")

    def test_false_fail(self):
        fobj = file_obj(["libz.so.1", "libc.so.6"], [
            finding("glibc-version", "fail", "needs glibc 2.38 but debian-12 has 2.36",
                    ["strlcpy@GLIBC_2.38"])])
        self.assertEqual(judge(LDD_LOADS, fobj)[0][0], "false-fail")

    def test_noise(self):
        fobj = file_obj(["libz.so.1", "libc.so.6"], [
            finding("needed-library", "warn", "needs libz.so.1, which the table does not list",
                    ["libz.so.1"])])
        self.assertEqual(judge(LDD_LOADS, fobj)[0][0], "noise")

    def test_wrong_culprit(self):
        fobj = file_obj(["libssl.so.3", "libcrypto.so.3", "libc.so.6"], [
            finding("glibc-version", "fail", "needs glibc 2.34", ["__libc_start_main@GLIBC_2.34"]),
            finding("tls-library", "fail", "needs libssl.so.1.1", ["libssl.so.1.1"])])
        (cls, detail), _ = judge(LDD_OPENSSL3_BULLSEYE, fobj)
        self.assertEqual(cls, "wrong-culprit")
        self.assertEqual(detail["sonames"], (["libcrypto.so.3", "libssl.so.3"], ["libssl.so.1.1"]))
        self.assertNotIn("versions", detail)
        # The versions are compared as well: class (e) when the sonames agree.
        fobj = file_obj(["libssl.so.3", "libcrypto.so.3", "libc.so.6"], [
            finding("glibc-version", "fail", "needs glibc 2.35", ["x@GLIBC_2.35"]),
            finding("tls-library", "warn", "needs libssl.so.3", ["libssl.so.3"]),
            finding("tls-library", "warn", "needs libcrypto.so.3", ["libcrypto.so.3"])])
        (cls, detail), _ = judge(LDD_OPENSSL3_BULLSEYE, fobj)
        self.assertEqual((cls, detail), ("wrong-version", {"versions": (["GLIBC_2.34"],
                                                                        ["GLIBC_2.35"])}))

    def test_agreement(self):
        fobj = file_obj(["libssl.so.3", "libcrypto.so.3", "libc.so.6"], [
            finding("glibc-version", "fail", "needs glibc 2.34 but debian-11 has 2.31",
                    ["__libc_start_main@GLIBC_2.34"]),
            finding("tls-library", "warn", "needs libssl.so.3, which the table does not list",
                    ["libssl.so.3"]),
            finding("tls-library", "warn", "needs libcrypto.so.3, which the table does not list",
                    ["libcrypto.so.3"])])
        self.assertEqual(judge(LDD_OPENSSL3_BULLSEYE, fobj)[0], ("agree", {}))
        # Another target's findings do not count for this one.
        self.assertEqual(judge(LDD_LOADS, fobj, "debian-13")[0][0], "agree")
        self.assertEqual(judge(LDD_OPENSSL3_BULLSEYE, fobj, "debian-13")[0][0], "false-pass")

    def test_versions_of_a_library_not_found_are_not_compared(self):
        # ldd checks no version of a library it does not find; portcheck, knowing the archive's
        # libssl3, names OPENSSL_3.2.0 too. The version of a found library still counts.
        fobj = file_obj(["libssl.so.3", "libcrypto.so.3", "libc.so.6"], [
            finding("glibc-version", "fail", "needs glibc 2.34 but debian-11 has 2.31",
                    ["__libc_start_main@GLIBC_2.34"]),
            finding("tls-library", "warn", "needs libssl.so.3", ["libssl.so.3"]),
            finding("tls-library", "warn", "needs libcrypto.so.3", ["libcrypto.so.3"]),
            finding("library-version", "fail", "needs OPENSSL_3.2.0, OPENSSL_3.3.0 and 1 more of "
                    "libcrypto.so.3, which debian-11's libssl3 does not define (newest there: "
                    "OPENSSL_3.0.9): EVP_x", ["EVP_x@OPENSSL_3.2.0"])])
        self.assertEqual(judge(LDD_OPENSSL3_BULLSEYE, fobj)[0], ("agree", {}))
        fobj["targets"][0]["findings"][3]["message"] = fobj["targets"][0]["findings"][3][
            "message"].replace("of libcrypto.so.3", "of libz.so.1")
        self.assertEqual(judge(LDD_OPENSSL3_BULLSEYE, fobj)[0],
                         ("wrong-version", {"versions": ([], ["OPENSSL_3.2.0"])}))

    def test_weak_version_warn_agrees(self):
        fobj = file_obj(["libc.so.6"], [
            finding("glibc-version", "warn", "needs glibc 2.34 (weak)", ["dlopen@GLIBC_2.34"])])
        self.assertEqual(judge(LDD_WEAK, fobj)[0][0], "agree")
        # ... but a fail for a need the loader only warns about is a false fail.
        fobj["targets"][0]["findings"][0]["severity"] = "fail"
        self.assertEqual(judge(LDD_WEAK, fobj)[0][0], "false-fail")

    def test_glibc_private_counts_one_way(self):
        # glibc's own libraries on their own glibc: ld.so loads them, glibc-private fails them.
        private = finding("glibc-private", "fail", "needs GLIBC_PRIVATE, glibc's internal "
                          "interface", ["__libc_dynarray_resize@GLIBC_PRIVATE"])
        fobj = file_obj(["libc.so.6"], [private])
        self.assertEqual(judge(LDD_LOADS, fobj)[0][0], "agree")
        # A libpthread.so.0 of glibc 2.34 or later defines no GLIBC_PRIVATE: the loader refuses,
        # and the glibc-private fail explains it.
        out = ("\tlibpthread.so.0 => /lib/x86_64-linux-gnu/libpthread.so.0 (0x00007f1c9a400000)\n"
               "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1c9a21e000)\n",
               f"{PROG}: /lib/x86_64-linux-gnu/libpthread.so.0: version `GLIBC_PRIVATE' not "
               f"found (required by {PROG})\n", 0)
        fobj = file_obj(["libpthread.so.0", "libc.so.6"], [private])
        self.assertEqual(judge(out, fobj)[0], ("agree", {}))
        fobj = file_obj(["libpthread.so.0", "libc.so.6"], [])
        self.assertEqual(judge(out, fobj)[0][0], "false-pass")
        # Where the loader refuses for another reason, GLIBC_PRIVATE is no missing culprit.
        fobj = file_obj(["libssl.so.3", "libcrypto.so.3", "libc.so.6"], [
            private,
            finding("glibc-version", "fail", "needs glibc 2.34", ["__libc_start_main@GLIBC_2.34"]),
            finding("tls-library", "warn", "needs libssl.so.3", ["libssl.so.3"]),
            finding("tls-library", "warn", "needs libcrypto.so.3", ["libcrypto.so.3"])])
        self.assertEqual(judge(LDD_OPENSSL3_BULLSEYE, fobj)[0], ("agree", {}))

    def test_static_and_ignored_rules(self):
        fobj = file_obj([], [finding("kernel-version", "fail", "needs kernel 9.0", ["9.0.0"]),
                             finding("exec-stack", "warn", "executable stack", ["PT_GNU_STACK"])])
        self.assertEqual(judge(LDD_STATIC, fobj)[0][0], "agree")
        self.assertEqual(judge(LDD_STATIC_PIE, fobj)[0][0], "agree")

    def test_transitive_needs_belong_to_the_loaded_library(self):
        loads = ["/c/bookworm/root/tool/usr/lib/tool/libfoo.so.1"]
        fobj = file_obj(["libfoo.so.1", "libc.so.6"], [
            finding("needed-library", "warn", f"via {loads[0]}: needs libbar.so.2, which the "
                    "table does not list for debian-12", ["libbar.so.2"]),
            finding("glibc-version", "fail", f"via {loads[0]}: needs glibc 2.38 but debian-12 "
                    "has 2.36", ["strlcpy@GLIBC_2.38"])], loads=loads)
        (cls, _), attributed = judge(LDD_TRANSITIVE, fobj)
        self.assertEqual(attributed, ([("libbar.so.2", KEYS[LIBFOO])],
                                      [("GLIBC_2.38", "/lib/x86_64-linux-gnu/libc.so.6",
                                        KEYS[LIBFOO])]))
        self.assertEqual(cls, "agree")
        view = ld.portcheck_view(fobj, "debian-12")
        self.assertEqual([f["via"] for f in view], loads * 2)
        # Without the via findings, portcheck passes what the loader refuses.
        fobj["targets"][0]["findings"] = []
        self.assertEqual(judge(LDD_TRANSITIVE, fobj)[0][0], "false-pass")

    def test_problems_of_root_libraries_are_not_culprits(self):
        out = ("\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f1c9a400000)\n"
               "\tlibgone.so.1 => not found\n"
               "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1c9a21e000)\n", "", 0)
        fobj = file_obj(["libz.so.1", "libc.so.6", "libmissing.so.1"], [
            finding("needed-library", "warn", "needs libmissing.so.1", ["libmissing.so.1"])])
        ldd = ld.parse_ldd(*out)
        attributed = ld.attribute_ldd(ldd, KEYS[PROG], fobj["elf"]["needed"], KEYS.get,
                                      lambda k: [])
        self.assertEqual(attributed[0], [("libgone.so.1", "system")])
        cls, detail = ld.classify(ldd, attributed, ld.portcheck_view(fobj, "debian-12"))
        self.assertEqual((cls, detail), ("wrong-culprit", {"sonames": ([], ["libmissing.so.1"])}))


class Strings(unittest.TestCase):
    def test_decode(self):
        self.assertEqual(ld.decode_json_string("plain"), "plain")
        self.assertEqual(ld.decode_json_string("a\\\\b"), "a\\b")
        self.assertEqual(ld.decode_json_string("caf\\xe9").encode("utf-8", "surrogateescape"),
                         b"caf\xe9")
        self.assertEqual(ld.version_of("stat@GLIBC_2.33"), "GLIBC_2.33")
        self.assertEqual(ld.version_of("GLIBC_ABI_DT_RELR"), "GLIBC_ABI_DT_RELR")

    def test_counted_rules(self):
        self.assertEqual(set(ld.COUNTED_RULES),
                         set(ld.LIBRARY_RULES) | set(ld.VERSION_RULES) | set(ld.ONE_WAY_RULES))
        self.assertIn("needed-library", ld.COUNTED_RULES)
        self.assertNotIn("kernel-version", ld.COUNTED_RULES)
        self.assertIn("glibc-private", ld.ONE_WAY_RULES)
        self.assertEqual(ld.rule_kind("glibc-private"), "one-way")

    def test_examples_show_different_causes(self):
        recs = [{"labels": ["a"], "n": 1}, {"labels": ["a"], "n": 2}, {"labels": ["b"], "n": 3}]
        self.assertEqual([r["n"] for r in ld.pick_examples(recs, 2)], [1, 3])
        self.assertEqual([r["n"] for r in ld.pick_examples(recs, 3)], [1, 3, 2])


if __name__ == "__main__":
    result = unittest.main(verbosity=1, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
