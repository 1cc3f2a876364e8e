// GitLab's code-quality report (a subset of the Code Climate issue format, as GitLab's
// documentation "Code Quality" lists it): one issue per file and rule, naming the targets it
// concerns, located on the file relative to the repository's root (--sarif-root, default the
// working directory), with a fingerprint that survives a re-run. Notes and suppressed findings
// are left out, as in the GitHub annotations.
#include <nlohmann/json.hpp>

#include "code_scanning.hpp"
#include "json_dump.hpp"
#include "portcheck/render.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kInputError = "input-error";

// GitLab's scale is info, minor, major, critical, blocker: a fail stops the release, a file
// that could not be analysed has an unknown verdict, a warn does not stop it.
const char* severity_of(Severity severity) {
  switch (severity) {
    case Severity::fail: return "critical";
    case Severity::warn: return "minor";
    case Severity::info: return "info";
  }
  return "info";
}

// Where an issue points in the repository: the file, or for an archive member its archive
// (what the repository holds), with the member's name inside it.
struct Place {
  std::string path, member;
};

Place place_of(const FileReport& file, const ReportPaths& paths) {
  std::string prefix = file.release + "!/";
  bool in_archive = !file.release.empty() && starts_with(file.path, prefix);
  std::string absolute = absolute_path(in_archive ? file.release : file.path, paths);
  return {below(absolute, paths.root).value_or(absolute),
          in_archive ? file.path.substr(prefix.size()) : ""};
}

// The check, the file and the member identify an issue across runs; not the message, whose
// counts change with unrelated symbols.
Json issue(const std::string& check, const std::string& severity, const std::string& description,
           const Place& place) {
  return {{"type", "issue"},
          {"check_name", check},
          {"description", description},
          {"categories", Json::array({"Compatibility"})},
          {"severity", severity},
          {"fingerprint", fingerprint({"portcheck-gitlab/v1", check, place.path, place.member})},
          {"location", {{"path", place.path}, {"lines", {{"begin", 1}}}}}};
}

std::string description_of(const FileReport& file, const RuleOutcome& outcome) {
  std::string targets;
  for (size_t i = 0; i < outcome.targets.size(); ++i) {
    targets += (i ? ", " : "") + outcome.targets[i];
  }
  std::string text = file.path + " (" + targets + "): " + outcome.message;
  return outcome.hint.empty() ? text : text + " Fix: " + outcome.hint;
}

void add_file_issues(Json& issues, const FileReport& file, const ReportPaths& paths) {
  Place place = place_of(file, paths);
  if (file.error) {
    issues.push_back(issue(kInputError, "major",
                           file.path + ": could not be analysed: " + to_string(file.error->kind) +
                               ": " + file.error->message,
                           place));
    return;
  }
  for (const RuleOutcome& outcome : outcomes_by_rule(file)) {
    issues.push_back(
        issue(outcome.rule, severity_of(outcome.severity), description_of(file, outcome), place));
  }
}

// A wheel's own findings (wheel-tag), at the wheel.
void add_release_issues(Json& issues, const ReleaseReport& release, const ReportPaths& paths) {
  // The repository holds the outermost archive; a wheel inside one is named as its member.
  size_t member = release.path.find("!/");
  std::string absolute = absolute_path(release.path.substr(0, member), paths);
  std::string inside = member == std::string::npos ? "" : release.path.substr(member + 2);
  for (const auto& finding : release.wheel_tag_findings) {
    if (finding.suppression >= 0) continue;
    // What tells a wheel's findings apart across runs: what each is about, and its kind.
    std::string about = finding.culprits.empty() ? "" : finding.culprits.front();
    Place place{below(absolute, paths.root).value_or(absolute),
                inside + "#" + about + "#" + finding.hint};
    std::string text = release.path + ": " + finding.message + " Fix: " + finding.hint;
    issues.push_back(issue(finding.rule, severity_of(finding.severity), text, place));
  }
}

}  // namespace

std::string render_gitlab(const Report& report, const ReportPaths& paths) {
  Json issues = Json::array();
  for (const auto& file : report.files) add_file_issues(issues, file, paths);
  for (const auto& release : report.releases) add_release_issues(issues, release, paths);
  return dump_escaped(std::move(issues));
}

}  // namespace portcheck
