// GitHub Actions workflow commands (::error / ::warning / ::notice): annotations on the pull
// request. One annotation per file and rule, naming the targets it concerns, so a release with
// thirty targets does not drown the page.
#include <fmt/format.h>

#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"

namespace portcheck {
namespace {

// A line break the annotation shows: escaped data holds none of its own.
constexpr const char* kLineBreak = "%0A";

const char* command_of(Severity severity) {
  switch (severity) {
    case Severity::fail: return "error";
    case Severity::warn: return "warning";
    case Severity::info: return "notice";
  }
  return "notice";
}

void annotate_file(std::string& out, const FileReport& file) {
  for (const RuleOutcome& a : outcomes_by_rule(file)) {
    std::string targets;
    for (size_t i = 0; i < a.targets.size(); ++i) targets += (i ? ", " : "") + a.targets[i];
    std::string data = escape_github_data(a.message);
    if (!a.hint.empty()) data += kLineBreak + ("Fix: " + escape_github_data(a.hint));
    out += fmt::format("::{} file={},title={}::{}\n", command_of(a.severity),
                       escape_github_property(file.path),
                       escape_github_property("portcheck " + a.rule + " (" + targets + ")"), data);
  }
}

// A wheel's own findings (wheel-tag): its name claims a platform tag its files do not earn.
void annotate_release(std::string& out, const ReleaseReport& release) {
  for (const auto& finding : release.wheel_tag_findings) {
    if (finding.suppression >= 0) continue;
    std::string data = escape_github_data(finding.message);
    if (!finding.hint.empty()) data += kLineBreak + ("Fix: " + escape_github_data(finding.hint));
    out += fmt::format("::{} file={},title={}::{}\n", command_of(finding.severity),
                       escape_github_property(release.path),
                       escape_github_property("portcheck " + finding.rule), data);
  }
}

}  // namespace

std::string render_github(const Report& report) {
  std::string out;
  for (const auto& file : report.files) {
    if (file.error) {
      out += fmt::format("::error file={},title={}::{}\n", escape_github_property(file.path),
                         escape_github_property("portcheck: input could not be analysed"),
                         escape_github_data(std::string(to_string(file.error->kind)) + ": " +
                                            file.error->message));
      continue;
    }
    annotate_file(out, file);
  }
  for (const auto& release : report.releases) annotate_release(out, release);
  const RunSummary& run = report.summary;
  out += fmt::format("::notice title=portcheck::{} files: {} passed, {} failed, {} errors{}\n",
                     run.files, run.passed, run.failed, run.errors, misnamed_text(run));
  return out;
}

}  // namespace portcheck
