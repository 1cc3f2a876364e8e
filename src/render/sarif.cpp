// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/): one rule per portcheck rule,
// one result per finding and target, located on the file (relative to %SRCROOT% when under it,
// as GitHub code scanning requires, else an absolute file:// URI), with a fingerprint that
// survives a re-run; suppressed findings carry their justification.
#include <cctype>
#include <nlohmann/json.hpp>

#include "code_scanning.hpp"
#include "json_dump.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"
#include "portcheck/rules.hpp"

namespace portcheck {
namespace {

using Json = nlohmann::ordered_json;

// Inputs that could not be analysed are results too, so a gate sees them.
constexpr const char* kInputError = "input-error";
constexpr const char* kWheelTag = "wheel-tag";

const char* level_of(Severity severity) {
  switch (severity) {
    case Severity::fail: return "error";
    case Severity::warn: return "warning";
    case Severity::info: return "note";
  }
  return "note";
}

constexpr const char* kRootId = "%SRCROOT%";

// SARIF's `name` is for people and must differ from the id even ignoring case (the SARIF
// Multitool compares so): "glibc-version" -> "GlibcVersionCheck", "relr" -> "RelrCheck".
std::string rule_name(const std::string& id) {
  std::string name;
  bool upper = true;
  for (char c : id) {
    if (c == '-') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name + "Check";
}

Json rule_json(const std::string& id, const std::string& summary) {
  std::string doc = "docs/rules.md, section `" + id + "`";
  return {
      {"id", id},
      {"name", rule_name(id)},
      {"shortDescription", {{"text", summary}}},
      {"fullDescription", {{"text", summary + "."}}},
      {"help",
       {{"text", summary + ". Each result says what to change. See " + doc + "."},
        {"markdown", "**" + summary + ".** Each result says what to change. See " + doc + "."}}}};
}

Json rules_json(std::vector<std::string>& ids) {
  Json rules = Json::array();
  for (const auto& rule : all_rules()) {
    ids.push_back(rule.id);
    rules.push_back(rule_json(rule.id, rule.summary));
  }
  ids.push_back(kInputError);
  rules.push_back(rule_json(kInputError, "an input that could not be read or analysed"));
  ids.push_back(kWheelTag);
  rules.push_back(rule_json(kWheelTag, "a wheel named for a platform tag its files do not earn"));
  return rules;
}

// A path is not a URI: spaces, `%`, `#`, `?`, `:` and bytes that are not ASCII are
// percent-encoded.
Json artifact_location(const std::string& path, const ReportPaths& paths) {
  std::string absolute = absolute_path(path, paths);
  if (auto relative = below(absolute, paths.root)) {
    return {{"uri", escape_uri(*relative)}, {"uriBaseId", kRootId}};
  }
  return {{"uri", "file://" + escape_uri(absolute)}};
}

Json location(const std::string& path, const ReportPaths& paths) {
  return Json::array(
      {{{"physicalLocation", {{"artifactLocation", artifact_location(path, paths)}}}}});
}

// What identifies a result across runs: the rule, the target, the file (as located) and the
// first culprit; not the message, whose counts change with unrelated symbols.
Json fingerprints(const std::string& rule, const std::string& target, const Json& where,
                  const std::vector<std::string>& culprits) {
  std::string file = where.value("uriBaseId", "") + where.at("uri").get<std::string>();
  return {{"portcheckResult/v1",
           fingerprint({rule, target, file, culprits.empty() ? "" : culprits.front()})}};
}

size_t index_of(const std::vector<std::string>& ids, const std::string& id) {
  return static_cast<size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

Json message_json(const std::string& target, const Finding& finding) {
  std::string text = target + ": " + finding.message;
  std::string markdown = "**" + escape_markdown(target) + "**: " + escape_markdown(finding.message);
  if (!finding.hint.empty()) {
    text += " Fix: " + finding.hint;
    markdown += "\n\nFix: " + escape_markdown(finding.hint);
  }
  return {{"text", text}, {"markdown", markdown}};
}

Json finding_result(const FileReport& file, const TargetVerdict& target, const Finding& finding,
                    const std::vector<std::string>& ids, const ReportPaths& paths) {
  Json locations = location(file.path, paths);
  const Json& where = locations[0]["physicalLocation"]["artifactLocation"];
  Json result{{"ruleId", finding.rule},
              {"ruleIndex", index_of(ids, finding.rule)},
              {"level", level_of(finding.severity)},
              {"message", message_json(target.target_id, finding)},
              {"locations", locations},
              {"partialFingerprints",
               fingerprints(finding.rule, target.target_id, where, finding.culprits)},
              {"properties", {{"target", target.target_id}, {"culprits", finding.culprits}}}};
  if (finding.suppression >= 0) {
    result["suppressions"] =
        Json::array({{{"kind", "external"}, {"justification", finding.suppression_reason}}});
  }
  return result;
}

// A wheel's own finding: located at the wheel, for no target.
Json wheel_result(const ReleaseReport& release, const Finding& finding,
                  const std::vector<std::string>& ids, const ReportPaths& paths) {
  Json locations = location(release.path, paths);
  const Json& where = locations[0]["physicalLocation"]["artifactLocation"];
  std::string text = finding.message + (finding.hint.empty() ? "" : " Fix: " + finding.hint);
  Json result{{"ruleId", kWheelTag},
              {"ruleIndex", index_of(ids, kWheelTag)},
              {"level", level_of(finding.severity)},
              {"message", {{"text", text}}},
              {"locations", locations},
              {"partialFingerprints", fingerprints(kWheelTag, "", where, finding.culprits)},
              {"properties", {{"culprits", finding.culprits}}}};
  if (finding.suppression >= 0) {
    result["suppressions"] =
        Json::array({{{"kind", "external"}, {"justification", finding.suppression_reason}}});
  }
  return result;
}

Json error_result(const FileReport& file, const std::vector<std::string>& ids,
                  const ReportPaths& paths) {
  Json locations = location(file.path, paths);
  const Json& where = locations[0]["physicalLocation"]["artifactLocation"];
  std::string kind = to_string(file.error->kind);
  return {{"ruleId", kInputError},
          {"ruleIndex", index_of(ids, kInputError)},
          {"level", "error"},
          {"message", {{"text", kind + ": " + file.error->message}}},
          {"locations", locations},
          {"partialFingerprints", fingerprints(kInputError, "", where, {kind})}};
}

Json results_json(const Report& report, const std::vector<std::string>& ids,
                  const ReportPaths& paths) {
  Json results = Json::array();
  for (const auto& file : report.files) {
    if (file.error) results.push_back(error_result(file, ids, paths));
    for (const auto& target : file.targets) {
      for (const auto& finding : target.findings) {
        results.push_back(finding_result(file, target, finding, ids, paths));
      }
    }
  }
  for (const auto& release : report.releases) {
    for (const auto& finding : release.wheel_tag_findings) {
      results.push_back(wheel_result(release, finding, ids, paths));
    }
  }
  return results;
}

Json root_uri(const ReportPaths& paths) {
  return {{kRootId, {{"uri", "file://" + escape_uri(as_directory(paths.root))}}}};
}

}  // namespace

std::string render_sarif(const Report& report, const ReportPaths& paths) {
  std::vector<std::string> ids;
  Json driver{
      {"name", "portcheck"}, {"version", report.portcheck_version}, {"rules", rules_json(ids)}};
  Json run{{"tool", {{"driver", driver}}},
           {"originalUriBaseIds", root_uri(paths)},
           {"results", results_json(report, ids, paths)},
           {"invocations", Json::array({{{"executionSuccessful", true}}})},
           {"properties",
            {{"targets", report.selected_targets}, {"baselineTableDate", report.table_date}}}};
  Json out{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
           {"version", "2.1.0"},
           {"runs", Json::array({run})}};
  return dump_escaped(std::move(out));
}

}  // namespace portcheck
