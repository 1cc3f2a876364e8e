// A Markdown summary for $GITHUB_STEP_SUMMARY or a pull-request comment: one row per file, then
// the failing files' targets with their blocking reasons.
#include <fmt/format.h>

#include "portcheck/render.hpp"

namespace portcheck {
namespace {

// Table cells must not break the table.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

const Finding* first_blocking(const TargetVerdict& target) {
  for (const auto& finding : target.findings) {
    if (finding.suppression < 0 && finding.severity != Severity::info) return &finding;
  }
  return nullptr;
}

std::string oldest(const FileSummary& summary) {
  std::string text;
  for (const auto& [family, id] : summary.oldest_per_family)
    text += (text.empty() ? "" : ", ") + id;
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
  out += fmt::format("\n<details><summary><code>{}</code></summary>\n\n", cell(file.path));
  out += "| Target | Verdict | Reason |\n|---|---|---|\n";
  for (const auto& target : file.targets) {
    const Finding* reason = first_blocking(target);
    out += fmt::format("| {} | {} | {} |\n", target.target_id, to_string(target.verdict),
                       reason ? cell(reason->message) : "");
  }
  out += "\n</details>\n";
}

}  // namespace

std::string render_markdown(const Report& report) {
  const RunSummary& run = report.summary;
  std::string out = "## portcheck\n\n";
  out += fmt::format(
      "{} files: {} passed, {} failed, {} could not be analysed. Baseline table of "
      "{}; targets: {}.\n\n",
      run.files, run.passed, run.failed, run.errors, report.table_date,
      report.selected_targets.size());
  out += "| File | Status | Targets passed | Oldest it runs on |\n|---|---|---|---|\n";
  for (const auto& file : report.files) {
    std::string passed =
        file.error ? cell(file.error->message)
                   : fmt::format("{} of {}", file.summary.passed.size(), file.summary.selected);
    out += fmt::format("| `{}` | {} | {} | {} |\n", cell(file.path), icon(file.status), passed,
                       file.error ? "" : oldest(file.summary));
  }
  for (const auto& file : report.files) {
    if (file.status == FileStatus::fail) file_details(out, file);
  }
  return out;
}

}  // namespace portcheck
