// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/): one rule per portcheck rule,
// one result per finding and target, located on the file; suppressed findings carry their
// justification. Code-scanning services read this.
#include <nlohmann/json.hpp>

#include "json_dump.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"
#include "portcheck/rules.hpp"

namespace portcheck {
namespace {

using Json = nlohmann::ordered_json;

// Inputs that could not be analysed are results too, so a gate sees them.
constexpr const char* kInputError = "input-error";

const char* level_of(Severity severity) {
  switch (severity) {
    case Severity::fail: return "error";
    case Severity::warn: return "warning";
    case Severity::info: return "note";
  }
  return "note";
}

Json rule_json(const std::string& id, const std::string& summary) {
  return Json{{"id", id},
              {"name", id},
              {"shortDescription", {{"text", summary}}},
              {"fullDescription", {{"text", summary}}},
              {"help", {{"text", summary + ". See docs/rules.md, section " + id + "."}}}};
}

Json rules_json(std::vector<std::string>& ids) {
  Json rules = Json::array();
  for (const auto& rule : all_rules()) {
    ids.push_back(rule.id);
    rules.push_back(rule_json(rule.id, rule.summary));
  }
  ids.push_back(kInputError);
  rules.push_back(rule_json(kInputError, "an input that could not be read or analysed"));
  return rules;
}

// A path is not a URI: spaces, `%`, `#`, `?` and bytes that are not ASCII are percent-encoded.
Json location(const std::string& path) {
  return Json::array({{{"physicalLocation", {{"artifactLocation", {{"uri", escape_uri(path)}}}}}}});
}

size_t index_of(const std::vector<std::string>& ids, const std::string& id) {
  return static_cast<size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

Json finding_result(const FileReport& file, const TargetVerdict& target, const Finding& finding,
                    const std::vector<std::string>& ids) {
  Json result{{"ruleId", finding.rule},
              {"ruleIndex", index_of(ids, finding.rule)},
              {"level", level_of(finding.severity)},
              {"message",
               {{"text", target.target_id + ": " + finding.message +
                             (finding.hint.empty() ? "" : " Fix: " + finding.hint)}}},
              {"locations", location(file.path)},
              {"properties", {{"target", target.target_id}, {"culprits", finding.culprits}}}};
  if (finding.suppression >= 0) {
    result["suppressions"] =
        Json::array({{{"kind", "external"}, {"justification", finding.suppression_reason}}});
  }
  return result;
}

Json results_json(const Report& report, const std::vector<std::string>& ids) {
  Json results = Json::array();
  for (const auto& file : report.files) {
    if (file.error) {
      results.push_back(
          {{"ruleId", kInputError},
           {"ruleIndex", index_of(ids, kInputError)},
           {"level", "error"},
           {"message",
            {{"text", std::string(to_string(file.error->kind)) + ": " + file.error->message}}},
           {"locations", location(file.path)}});
    }
    for (const auto& target : file.targets) {
      for (const auto& finding : target.findings) {
        results.push_back(finding_result(file, target, finding, ids));
      }
    }
  }
  return results;
}

}  // namespace

std::string render_sarif(const Report& report) {
  std::vector<std::string> ids;
  Json driver{
      {"name", "portcheck"}, {"version", report.portcheck_version}, {"rules", rules_json(ids)}};
  Json run{{"tool", {{"driver", driver}}},
           {"results", results_json(report, ids)},
           {"invocations", Json::array({{{"executionSuccessful", true}}})},
           {"properties",
            {{"targets", report.selected_targets}, {"baselineTableDate", report.table_date}}}};
  Json out{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
           {"version", "2.1.0"},
           {"runs", Json::array({run})}};
  return dump_escaped(std::move(out));
}

}  // namespace portcheck
