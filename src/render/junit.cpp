// JUnit XML as Jenkins, GitLab and Azure Pipelines read it (the Ant form; it validates against
// Jenkins' junit-4.xsd): one testsuite per selected target, one testcase per file. A file fails
// a target's test case when its verdict fails the run (a fail, or a warn under --fail-on warn),
// with the finding that explains the verdict as the failure's message; a file that could not
// be analysed is an error in every suite; object files and core dumps, which no loader runs,
// are skipped. No times or timestamps: the same input gives the same bytes.
#include <fmt/format.h>

#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"

namespace portcheck {
namespace {

struct SuiteCounts {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
};

std::string attribute(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + escape_xml(value) + "\"";
}

// Jenkins splits a classname at its last dot into package and class: "ubuntu-22.04" would show
// as class "04" of package "ubuntu-22".
std::string class_name(std::string target_id) {
  for (char& c : target_id) {
    if (c == '.') c = '_';
  }
  return target_id;
}

const TargetVerdict* verdict_on(const FileReport& file, const std::string& target_id) {
  for (const auto& target : file.targets) {
    if (target.target_id == target_id) return &target;
  }
  return nullptr;
}

// Every finding that is not a note, one per line with its fix, as a log shows them.
std::string findings_text(const TargetVerdict& target) {
  std::string out;
  for (const auto& finding : target.findings) {
    if (finding.severity == Severity::info) continue;
    out += fmt::format("{} ({}): {}\n", to_string(finding.severity), finding.rule,
                       escape_xml(finding.message));
    if (!finding.hint.empty()) out += "  fix: " + escape_xml(finding.hint) + "\n";
    if (finding.suppression >= 0) {
      out +=
          "  suppressed by the project's config: " + escape_xml(finding.suppression_reason) + "\n";
    }
  }
  return out;
}

// The children of one testcase, in the schema's order: skipped, error, failure, system-out.
std::string case_body(const FileReport& file, const TargetVerdict* target, SuiteCounts& counts) {
  if (file.error) {
    ++counts.errors;
    std::string kind = to_string(file.error->kind);
    return "      <error" + attribute("message", kind + ": " + file.error->message) +
           attribute("type", to_id(file.error->kind)) + "/>\n";
  }
  if (!target) {
    ++counts.skipped;
    return "      <skipped>not a loadable program or library: no verdict per target</skipped>\n";
  }
  std::string details = findings_text(*target);
  if (target->fails_gate) {
    ++counts.failures;
    const Finding* reason = reason_of(*target);
    return "      <failure" + attribute("message", reason ? reason->message : "") +
           attribute("type", reason ? reason->rule : "") + ">" + details + "</failure>\n";
  }
  if (details.empty()) return "";
  return "      <system-out>" + details + "</system-out>\n";
}

std::string test_case(const FileReport& file, const std::string& target_id, SuiteCounts& counts) {
  ++counts.tests;
  std::string open = "    <testcase" + attribute("name", file.path) +
                     attribute("classname", class_name(target_id));
  std::string body = case_body(file, verdict_on(file, target_id), counts);
  if (body.empty()) return open + "/>\n";
  return open + ">\n" + body + "    </testcase>\n";
}

std::string properties(const Report& report, const std::string& target_id) {
  std::string out = "    <properties>\n";
  for (const auto& [name, value] : {std::pair<const char*, std::string>{"target", target_id},
                                    {"portcheck.version", report.portcheck_version},
                                    {"portcheck.table-date", report.table_date}}) {
    out += "      <property" + attribute("name", name) + attribute("value", value) + "/>\n";
  }
  return out + "    </properties>\n";
}

// The wheels' own checks (wheel-tag) as a suite of their own: one case per wheel.
std::string wheel_suite(const Report& report, SuiteCounts& total) {
  SuiteCounts counts;
  std::string cases;
  for (const auto& release : report.releases) {
    if (!release.wheel) continue;
    ++counts.tests;
    std::string open = "    <testcase" + attribute("name", release.path) +
                       attribute("classname", "portcheck.wheel-tag");
    const Finding* first = nullptr;
    std::string details;
    for (const auto& finding : release.wheel_tag_findings) {
      if (finding.suppression >= 0) continue;
      if (!first) first = &finding;
      details += escape_xml(finding.message + " Fix: " + finding.hint) + "\n";
    }
    if (!release.fails_gate) {
      cases += details.empty()
                   ? open + "/>\n"
                   : open + ">\n      <system-out>" + details + "</system-out>\n    </testcase>\n";
      continue;
    }
    ++counts.failures;
    cases += open + ">\n      <failure" + attribute("message", first ? first->message : "") +
             attribute("type", "wheel-tag") + ">" + details + "</failure>\n    </testcase>\n";
  }
  if (counts.tests == 0) return "";
  total.tests += counts.tests;
  total.failures += counts.failures;
  // Not a target id (those have no spaces), so no target's suite shares the name.
  return "  <testsuite" + attribute("name", "wheel names") +
         fmt::format(" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n", counts.tests,
                     counts.failures) +
         cases + "  </testsuite>\n";
}

std::string test_suite(const Report& report, const std::string& target_id, SuiteCounts& total) {
  SuiteCounts counts;
  std::string cases;
  for (const auto& file : report.files) cases += test_case(file, target_id, counts);
  total.tests += counts.tests;
  total.failures += counts.failures;
  total.errors += counts.errors;
  return "  <testsuite" + attribute("name", target_id) +
         fmt::format(" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n", counts.tests,
                     counts.failures, counts.errors, counts.skipped) +
         properties(report, target_id) + cases + "  </testsuite>\n";
}

}  // namespace

std::string render_junit(const Report& report) {
  SuiteCounts total;
  std::string suites;
  for (const auto& target_id : report.selected_targets) {
    suites += test_suite(report, target_id, total);
  }
  suites += wheel_suite(report, total);
  // The schema allows no `skipped` count on the root; each suite has its own.
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
         fmt::format("<testsuites name=\"portcheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                     total.tests, total.failures, total.errors) +
         suites + "</testsuites>\n";
}

}  // namespace portcheck
