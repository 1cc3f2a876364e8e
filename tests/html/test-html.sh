#!/usr/bin/env bash
# The HTML report as a browser sees it: Chromium (headless) loads the page of every fixture with
# every target, and its DOM is checked against the JSON report of the same run: the title, one
# row per file and one column per target, each cell's verdict, the reason and fix of a failing
# cell, the table date, the release table, no script and no resource fetched from elsewhere, and a
# file name holding markup shown as text. Screenshots at desktop and phone widths and a PDF print
# must come out. Exit 77 (skipped) without Chromium.
set -euo pipefail
portcheck=$(realpath "$1") fixtures=$(realpath "$2")
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium missing (run scripts/install-deps.sh --test): skipped"
  exit 77
fi
# Chromium reserves far more address space than the suite's `ulimit -v` run allows (it dies with
# a trap); that run is about portcheck's allocation failures, and the unlimited run covers this.
if [ "$(ulimit -v)" != unlimited ]; then
  echo "address space limited (ulimit -v $(ulimit -v)), too little for Chromium: skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$fixtures/release" "$work/release"
cp "$fixtures/glibc-2.28" "$work/$(printf 'odd <b onclick="x">&amp; "q\x27.so')"
cd "$work"
"$portcheck" --html report.html --json report.json -t @all release "$fixtures"/* ./odd* \
  >/dev/null 2>run.log || true
grep -q '<script' report.html && { echo "report.html holds a script"; exit 1; }
grep -Eq '(src|href)="?(https?:)?//' report.html && { echo "report.html fetches a resource"; exit 1; }
chrome() {  # OPTION...: headless Chromium on report.html, its own profile, no network needed
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" "$@" "file://$work/report.html" 2>>chrome.log
}
chrome --dump-dom >dom.html
chrome --screenshot="$work/desktop.png" --window-size=1280,900 >/dev/null
chrome --screenshot="$work/phone.png" --window-size=390,844 >/dev/null
chrome --print-to-pdf="$work/report.pdf" >/dev/null
for png in desktop.png phone.png; do
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    { echo "$png is not a PNG"; exit 1; }
done
[ "$(head -c 5 report.pdf)" = "%PDF-" ] || { echo "report.pdf is not a PDF"; exit 1; }
python3 - "$work" <<'PY'
import html.parser, json, sys
work = sys.argv[1]
report = json.load(open(f"{work}/report.json"))

class Page(html.parser.HTMLParser):
    """Tables as lists of rows of (tag, class, text) cells, the title and the paragraphs."""
    def __init__(self):
        super().__init__()
        self.tables, self.title, self.paragraphs, self.stack = [], "", [], []
        self.cell = None
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "link", "img", "iframe", "object"):
            sys.exit(f"the page holds <{tag}>")
        if tag == "table": self.tables.append([])
        elif tag == "tr": self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = [tag, attrs.get("class", ""), ""]
            self.tables[-1][-1].append(self.cell)
        self.stack.append(tag)
    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag: pass
        if tag in ("td", "th"): self.cell = None
    def handle_data(self, data):
        if self.stack and self.stack[-1] == "title": self.title += data
        if "p" in self.stack: self.paragraphs.append(data)
        if self.cell is not None: self.cell[2] += data + " "

page = Page()
page.feed(open(f"{work}/dom.html").read())
assert page.title == "portcheck report", page.title
assert any(report["table_date"] in p for p in page.paragraphs), "no table date"
files, releases = page.tables[0], page.tables[1] if len(page.tables) > 1 else []
targets = report["targets"]
assert [c[2].strip() for c in files[0][1:]] == targets, "columns are not the targets"
assert len(files) - 1 == len(report["files"]), (len(files) - 1, len(report["files"]))
checked = 0
for row, entry in zip(files[1:], report["files"]):
    assert row[0][2].startswith(entry["path"]), (row[0][2], entry["path"])
    if not entry.get("targets"):  # damaged or an object file: one cell across the targets
        assert len(row) == 2, row
        continue
    verdicts = {v["id"]: v for v in entry["targets"]}
    for cell, target in zip(row[1:], targets):
        want = verdicts[target]["verdict"]
        assert cell[2].startswith(want), (entry["path"], target, cell, want)
        assert want in cell[1].split(), (cell[1], want)
        checked += 1
assert any("odd <b onclick=\"x\">&amp; \"q'.so" in row[0][2] for row in files), "hostile name not text"
assert "fail" in open(f"{work}/dom.html").read()
fails = [c for row in files[1:] for c in row[1:] if "fail" in c[1].split()]
assert fails and all("Fix:" in c[2] for c in fails if "glibc" in c[2]), "a failing cell lacks its fix"
assert len(releases) - 1 == len(report["releases"]), "release table rows"
print(f"HTML report: {len(files) - 1} files x {len(targets)} targets, {checked} cells checked "
      f"against the JSON report, {len(fails)} failing, {len(releases) - 1} releases; "
      "screenshots 1280x900 and 390x844 and a PDF print made")
PY
