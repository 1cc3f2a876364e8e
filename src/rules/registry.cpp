// The list of rules. Adding a rule: a file defining its Rule, one line here, an entry in
// docs/rules.md, and tests that make it pass and fail.
#include "portcheck/rules.hpp"

namespace portcheck {
namespace rules {
extern const Rule kArchitectureRule, kLibcFlavourRule, kInterpreterRule, kGlibcVersionRule,
    kGlibcPrivateRule, kLibstdcxxVersionRule, kLibgccVersionRule, kNeededLibraryRule, kIsaLevelRule,
    kKernelRule, kRpathBuildPathRule, kStaticNssRule, kTlsLibraryRule, kCaBundleRule,
    kOpenssldirRule, kOpensslSupportRule, kRelrRule, kExecStackRule, kMuslGlibcVersionsRule,
    kLibraryVersionRule, kSymbolBlacklistRule, kPolicyVersionsRule, kVersionDefinitionRule;
}  // namespace rules

const std::vector<Rule>& all_rules() {
  // One rule a line, in report order: what decides whether the file loads at all comes first.
  // clang-format off
  static const std::vector<Rule> rules{
      rules::kArchitectureRule,
      rules::kLibcFlavourRule,
      rules::kInterpreterRule,
      rules::kGlibcVersionRule,
      rules::kGlibcPrivateRule,
      rules::kLibstdcxxVersionRule,
      rules::kLibgccVersionRule,
      rules::kPolicyVersionsRule,
      rules::kMuslGlibcVersionsRule,
      rules::kRelrRule,
      rules::kNeededLibraryRule,
      rules::kVersionDefinitionRule,
      rules::kSymbolBlacklistRule,
      rules::kTlsLibraryRule,
      rules::kLibraryVersionRule,
      rules::kIsaLevelRule,
      rules::kKernelRule,
      rules::kExecStackRule,
      rules::kCaBundleRule,
      rules::kOpenssldirRule,
      rules::kOpensslSupportRule,
      rules::kRpathBuildPathRule,
      rules::kStaticNssRule,
  };
  // clang-format on
  return rules;
}

std::vector<Finding> evaluate(const Facts& facts, const Target& target,
                              const BaselineTable& table) {
  std::vector<Finding> findings;
  for (const auto& rule : all_rules()) rule.check(facts, target, table, findings);
  return findings;
}

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warn: return "warn";
    case Severity::fail: return "fail";
  }
  return "info";
}

}  // namespace portcheck
