// One self-contained HTML page for people: the matrix of files by targets, each cell coloured
// by its verdict and showing the reason and the fix the report stage chose, then the releases'
// verdicts. Inline CSS only, no script and no external resource, so the file reads the same
// offline, on a phone (the matrix scrolls inside its box) and on paper (print styles). Every
// string goes through escape_xml.
#include <fmt/format.h>

#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"

namespace portcheck {
namespace {

// Its own delimiter: the CSS holds `)"`.
constexpr const char* kStyle = R"css(<style>
:root{color-scheme:light;--pass:#dcf5e3;--warn:#fff1c2;--fail:#fbd9d6;--error:#e5e0f5;--line:#c9ccd1}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1rem;color:#1b1f24;background:#fff}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.4rem 0 .4rem}
.meta,.notice{margin:.2rem 0}.notice{background:var(--warn);padding:.3rem .5rem;border-radius:4px}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:4px}
table{border-collapse:collapse;min-width:100%}
th,td{border:1px solid var(--line);padding:.35rem .5rem;vertical-align:top;text-align:left}
thead th{background:#f1f3f5;position:sticky;top:0;white-space:nowrap}
tbody th{background:#fafbfc;position:sticky;left:0;min-width:10rem;max-width:22rem;word-break:break-all;font-weight:600}
td{min-width:9rem;max-width:24rem}
.pass{background:var(--pass)}.warn{background:var(--warn)}.fail{background:var(--fail)}.error{background:var(--error)}
.verdict{font-weight:700;text-transform:uppercase;font-size:.8rem;letter-spacing:.03em}
.gate .verdict::after{content:" (fails the run)";text-transform:none;font-weight:400}
.reason{display:block;margin-top:.2rem}.hint{display:block;margin-top:.2rem;font-size:.85rem;color:#424a53}
.suppressed{display:block;font-size:.8rem;color:#57606a}
.oldest,.passed{font-size:.85rem;font-weight:400;display:block;color:#424a53}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em}
@media (max-width:600px){body{margin:.5rem;font-size:14px}tbody th{min-width:7rem}td{min-width:7rem}}
@media print{body{margin:0;font-size:10pt}.scroll{overflow:visible;border:0}thead th,tbody th{position:static}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}tr{break-inside:avoid}h2{break-after:avoid}}
</style>
)css";

std::string esc(const std::string& text) { return escape_xml(text); }

std::string oldest_list(const std::map<std::string, std::string>& oldest) {
  std::string out;
  for (const auto& [family, id] : oldest) out += (out.empty() ? "" : ", ") + esc(id);
  return out.empty() ? "none" : out;
}

bool has_suppressed(const TargetVerdict& target) {
  for (const auto& finding : target.findings) {
    if (finding.suppression >= 0) return true;
  }
  return false;
}

std::string verdict_cell(const TargetVerdict& target) {
  std::string classes = to_string(target.verdict);
  if (target.fails_gate && target.verdict == Verdict::warn) classes += " gate";
  std::string out = "<td class=\"" + classes + "\"><span class=\"verdict\">" +
                    to_string(target.verdict) + "</span>";
  if (const Finding* reason = reason_of(target)) {
    out += "<span class=\"reason\">" + esc(reason->message) + "</span>";
    if (!reason->hint.empty()) out += "<span class=\"hint\">Fix: " + esc(reason->hint) + "</span>";
  }
  if (has_suppressed(target)) {
    out += "<span class=\"suppressed\">has suppressed findings (project config)</span>";
  }
  return out + "</td>";
}

std::string file_heading(const FileReport& file) {
  std::string out = "<th scope=\"row\"><code>" + esc(file.path) + "</code>";
  if (!file.error && !file.targets.empty()) {
    out += fmt::format("<span class=\"passed\">passes {} of {}</span>", file.summary.passed.size(),
                       file.summary.selected);
    out +=
        "<span class=\"oldest\">oldest: " + oldest_list(file.summary.oldest_per_family) + "</span>";
  }
  return out + "</th>";
}

std::string file_row(const FileReport& file, size_t columns) {
  std::string out = "<tr>" + file_heading(file);
  if (file.error) {
    out += fmt::format(
               "<td class=\"error\" colspan=\"{}\"><span class=\"verdict\">error</span>"
               "<span class=\"reason\">",
               columns) +
           esc(std::string(to_string(file.error->kind)) + ": " + file.error->message) +
           "</span></td>";
  } else if (file.targets.empty()) {
    out += fmt::format(
        "<td colspan=\"{}\">not a loadable program or library: no verdict per "
        "target</td>",
        columns);
  } else {
    for (const auto& target : file.targets) out += verdict_cell(target);
  }
  return out + "</tr>\n";
}

std::string target_header(const std::vector<std::string>& targets, const char* first) {
  std::string out = "<thead><tr><th scope=\"col\">" + std::string(first) + "</th>";
  for (const auto& id : targets) out += "<th scope=\"col\">" + esc(id) + "</th>";
  return out + "</tr></thead>\n";
}

std::string matrix(const Report& report) {
  std::string out = "<h2 id=\"files\">Files by target</h2>\n<div class=\"scroll\"><table>\n" +
                    target_header(report.selected_targets, "File") + "<tbody>\n";
  for (const auto& file : report.files) {
    out += file_row(file, report.selected_targets.size());
  }
  return out + "</tbody></table></div>\n";
}

std::string release_cell(const ReleaseTarget& target) {
  std::string out = "<td class=\"" + std::string(to_string(target.verdict)) +
                    "\"><span class=\"verdict\">" + to_string(target.verdict) + "</span>";
  if (!target.held_back_by.empty()) {
    std::string files;
    for (const auto& path : target.held_back_by) files += (files.empty() ? "" : ", ") + esc(path);
    out += "<span class=\"reason\">held back by " + files + "</span>";
  }
  return out + "</td>";
}

// A wheel's best tags and what its file name claims that its files do not earn.
std::string wheel_lines(const ReleaseReport& release) {
  if (!release.wheel) return "";
  std::string out;
  for (const auto& tag : release.policy_tags) {
    out += "<span class=\"oldest\">best tag: <code>" + esc(tag.tag) + "</code></span>";
  }
  for (const auto& finding : release.wheel_tag_findings) {
    if (finding.suppression >= 0) continue;
    out += "<span class=\"reason\">" + esc(finding.rule + ": " + finding.message) + "</span>";
  }
  return out;
}

std::string releases(const Report& report) {
  if (report.releases.empty()) return "";
  std::string out = "<h2 id=\"releases\">Releases</h2>\n<div class=\"scroll\"><table>\n" +
                    target_header(report.selected_targets, "Release") + "<tbody>\n";
  for (const auto& release : report.releases) {
    out += "<tr><th scope=\"row\"><code>" + esc(release.path) + "</code>" +
           fmt::format("<span class=\"passed\">{} files, {} could not be analysed</span>",
                       release.files, release.errors) +
           "<span class=\"oldest\">oldest: " + oldest_list(release.oldest_per_family) + "</span>" +
           wheel_lines(release) + "</th>";
    for (const auto& target : release.targets) out += release_cell(target);
    out += "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

std::string header(const Report& report) {
  const RunSummary& run = report.summary;
  std::string out = "<h1>portcheck report</h1>\n";
  out += fmt::format(
      "<p class=\"meta\">{} files: {} passed, {} failed, {} could not be analysed{}; {} "
      "targets.</p>\n",
      run.files, run.passed, run.failed, run.errors, misnamed_text(run),
      report.selected_targets.size());
  out += "<p class=\"meta\">portcheck " + esc(report.portcheck_version) + ", target table of " +
         esc(report.table_date) + ".</p>\n";
  for (const auto& notice : report.notices) {
    out += "<p class=\"notice\">" + esc(notice) + "</p>\n";
  }
  return out;
}

}  // namespace

std::string render_html(const Report& report) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>portcheck report</title>\n" +
         std::string(kStyle) + "</head>\n<body>\n" + header(report) + matrix(report) +
         releases(report) + "</body>\n</html>\n";
}

}  // namespace portcheck
