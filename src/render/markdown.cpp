// A Markdown summary for $GITHUB_STEP_SUMMARY or a pull-request comment: one row per file, then
// the failing files' targets with their blocking reasons.
#include <fmt/format.h>

#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"

namespace portcheck {
namespace {

// A name in monospace. `<code>`, not a backtick code span: inside a code span the character
// references of escape_markdown would show as typed.
std::string code(const std::string& name) { return "<code>" + escape_markdown(name) + "</code>"; }

std::string oldest(const FileSummary& summary) {
  std::string text;
  for (const auto& [family, id] : summary.oldest_per_family)
    text += (text.empty() ? "" : ", ") + escape_markdown(id);
  return text.empty() ? "none" : text;
}

const char* icon(FileStatus status) {
  switch (status) {
    case FileStatus::pass: return "✅ pass";
    case FileStatus::fail: return "❌ fail";
    case FileStatus::error: return "⚠️ error";
  }
  return "";
}

void file_details(std::string& out, const FileReport& file) {
  out += fmt::format("\n<details><summary>{}</summary>\n\n", code(file.path));
  out += "| Target | Verdict | Reason |\n|---|---|---|\n";
  for (const auto& target : file.targets) {
    const Finding* reason = reason_of(target);
    out += fmt::format("| {} | {} | {} |\n", escape_markdown(target.target_id),
                       to_string(target.verdict), reason ? escape_markdown(reason->message) : "");
  }
  out += "\n</details>\n";
}

// Wheels: the best tag per architecture, and what the file name claims that the files do not earn.
void wheel_section(std::string& out, const ReleaseReport& release) {
  out += fmt::format("\n### {}\n\n", code(release.path));
  for (const auto& tag : release.policy_tags) out += "- best tag: " + code(tag.tag) + "\n";
  for (const auto& finding : release.wheel_tag_findings) {
    if (finding.suppression >= 0) continue;
    out += fmt::format("- {} {}: {}\n", finding.severity == Severity::fail ? "❌" : "⚠️",
                       escape_markdown(finding.rule), escape_markdown(finding.message));
  }
}

}  // namespace

std::string render_markdown(const Report& report) {
  const RunSummary& run = report.summary;
  std::string out = "## portcheck\n\n";
  out += fmt::format(
      "{} files: {} passed, {} failed, {} could not be analysed{}. Baseline table of "
      "{}; targets: {}.\n\n",
      run.files, run.passed, run.failed, run.errors, misnamed_text(run),
      escape_markdown(report.table_date), report.selected_targets.size());
  out += "| File | Status | Targets passed | Oldest it runs on |\n|---|---|---|---|\n";
  for (const auto& file : report.files) {
    std::string passed =
        file.error ? escape_markdown(file.error->message)
                   : fmt::format("{} of {}", file.summary.passed.size(), file.summary.selected);
    out += fmt::format("| {} | {} | {} | {} |\n", code(file.path), icon(file.status), passed,
                       file.error ? "" : oldest(file.summary));
  }
  for (const auto& file : report.files) {
    if (file.status == FileStatus::fail) file_details(out, file);
  }
  for (const auto& release : report.releases) {
    if (release.wheel) wheel_section(out, release);
  }
  return out;
}

}  // namespace portcheck
