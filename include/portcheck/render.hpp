// Renderers walk a finished Report and return text; they compute nothing of their own.
#pragma once

#include <string>

#include "portcheck/report.hpp"

namespace portcheck {

struct TextStyle {
  bool color = false;
  bool tree = false;  // print each file's dependency tree
};

std::string render_text(const Report& report, const TextStyle& style);
std::string render_json(const Report& report);
// Where reports for code scanning locate files: relative to `root` (absolute; SARIF's
// %SRCROOT%) for those under it, the rest by absolute path; relative paths of the report are
// relative to `cwd` (absolute).
struct ReportPaths {
  std::string root;
  std::string cwd;
};

std::string render_sarif(const Report& report, const ReportPaths& paths);  // SARIF 2.1.0
std::string render_github(const Report& report);    // GitHub Actions annotations
std::string render_markdown(const Report& report);  // a summary for a step or a comment
// JUnit XML (the Ant/Jenkins form that GitLab, Jenkins and Azure read): a testsuite per target,
// a testcase per file.
std::string render_junit(const Report& report);
std::string render_gitlab(const Report& report, const ReportPaths& paths);  // code quality
std::string render_html(const Report& report);  // one self-contained page: the matrix

// --list-targets
std::string render_targets_text(const BaselineTable& table);
std::string render_targets_json(const BaselineTable& table);

// The user-facing name of a version family: "glibc", "libstdc++ (GLIBCXX)", ...
// ", 2 wheels named for tags they do not earn" after a run's file counts; "" when none is.
std::string misnamed_text(const RunSummary& run);
std::string family_display_name(const std::string& family);

}  // namespace portcheck
