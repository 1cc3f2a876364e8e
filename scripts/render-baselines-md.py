#!/usr/bin/env python3
"""Render the generated parts of docs/baselines.md from data/baselines.json.

The prose of docs/baselines.md is written by hand. This script only replaces the text
between the markers

    <!-- BEGIN GENERATED: table -->   ...   <!-- END GENERATED: table -->
    <!-- BEGIN GENERATED: sources -->  ...  <!-- END GENERATED: sources -->

Usage: scripts/render-baselines-md.py [--check]

With --check it exits 1 when docs/baselines.md is out of date instead of writing it.
The build never runs this script; it is a maintenance helper only.
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "baselines.json"
DOC = ROOT / "docs" / "baselines.md"

URL_RE = re.compile(r"https?://[^\s;,()]+[^\s;,().]")
REPO_RE = re.compile(r"\b([\w.-]+/[\w.-]+@[0-9a-f]{7,40})((?:\s+[\w./<>-]+\.(?:json|rst))?)")
CACHE_RE = re.compile(r"cache/(?:(?:<arch>|\w+)/)?[\w.-]+\.json|\bEOL\.rst\b|src/auditwheel/policy/[\w.-]+\.json")


def cell(text):
    return str(text).replace("|", "\\|")


def phase_on(t, date):
    """The phase running on `date`, worded as `portcheck --list-targets` does (current_phase and
    phase_text of src/baselines/support.cpp and src/render/targets.cpp)."""
    phases = t.get("support") or [{"phase": "standard", "until": t["end_of_support"], "paid": False}]
    for p in phases:
        if p["until"] is None or p["until"] >= date:
            text = p["phase"] + (" (paid)" if p["paid"] else "")
            return text + (" until " + p["until"] if p["until"] else ", rolling")
    return "ended " + phases[-1]["until"]


def render_table(doc):
    head = ("| id | name | libc | GLIBCXX | CXXABI | GCC_ | kernel | OpenSSL (default; installable) | CA bundle | end of support | phase on %s |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n") % doc["table_date"]
    rows = []
    for t in doc["targets"]:
        x = t["symbol_versions"].get("x86_64", {})
        libc = "%s %s" % (t["libc"]["flavour"], t["libc"]["version"])
        ssl_default = ", ".join(s for s in t["openssl"]["default"] if s.startswith("libssl")) or "—"
        ssl_inst = sorted({"%s (%s)" % (i["soname"], i["package"]) for i in t["openssl"]["installable"] if i["soname"].startswith("libssl")})
        ssl = ssl_default + ("; " + ", ".join(ssl_inst) if ssl_inst else "")
        ca = t["ca"]["files"][0] if t["ca"]["files"] else "—"
        eos = t["end_of_support"] or "rolling"
        unconfirmed = any("unconfirmed" in s for s in collect_sources(t))
        name = t["name"] + (" ¹" if unconfirmed else "")
        rows.append("| `%s` | %s | %s | %s | %s | %s | %s | %s | `%s` | %s | %s |" % (
            t["id"], cell(name), libc, x.get("GLIBCXX", "—"), x.get("CXXABI", "—"), x.get("GCC", "—"),
            t["kernel"]["version"], cell(ssl), ca, eos, cell(phase_on(t, doc["table_date"]))))
    foot = ("\n\nSymbol-version columns are the x86_64 maxima; `—` means no limit (musllinux) or no value. "
            "Other architectures are in `data/baselines.json`. The last column is the support phase "
            "running on the table date ([`support`](#support)); `(paid)` marks a paid extension, "
            "which does not make the target supported.\n"
            "¹ at least one fact of this target is marked `unconfirmed` in its source string.\n")
    return head + "\n".join(rows) + foot


def collect_sources(node):
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, str) and (k == "source" or k.endswith("_source")):
                out.append(v)
            else:
                out.extend(collect_sources(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(collect_sources(v))
    return out


def render_sources(doc):
    urls, repos, cache_files, plain = set(), set(), set(), set()
    for t in doc["targets"]:
        for s in collect_sources(t):
            found = False
            for u in URL_RE.findall(s):
                urls.add(u)
                found = True
            for m in REPO_RE.finditer(s):
                repos.add(m.group(1))
                found = True
            for c in CACHE_RE.findall(s):
                cache_files.add(c)
            if not found:
                plain.add(s)
    out = ["### Repository data\n"]
    for r in sorted(repos):
        out.append("- `%s`" % r)
    out.append("\nFiles of those repositories used (`<arch>` = every architecture listed for the target):\n")
    for c in sorted(cache_files):
        out.append("- `%s`" % c)
    out.append("\n### Web pages and package indexes\n")
    for u in sorted(urls):
        out.append("- <%s>" % u)
    out.append("\n### Package facts cited without a page\n")
    for p in sorted(plain):
        out.append("- %s" % cell(p))
    return "\n".join(out) + "\n"


def replace_block(text, name, body):
    begin = "<!-- BEGIN GENERATED: %s -->" % name
    end = "<!-- END GENERATED: %s -->" % name
    i, j = text.index(begin), text.index(end)
    return text[: i + len(begin)] + "\n" + body + text[j:]


def main():
    doc = json.loads(DATA.read_text())
    text = DOC.read_text()
    new = replace_block(text, "table", render_table(doc))
    new = replace_block(new, "sources", render_sources(doc))
    if "--check" in sys.argv[1:]:
        if new != text:
            print("docs/baselines.md is out of date; run scripts/render-baselines-md.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
