// The rule engine: small independent rules, each with a stable id and a doc entry in
// docs/rules.md, run for one file's facts against one target.
#pragma once

#include <vector>

#include "portcheck/baseline.hpp"
#include "portcheck/facts.hpp"
#include "portcheck/finding.hpp"

namespace portcheck {

// A rule reads the file's facts, one target, and the table's reference facts (OpenSSL support
// lines); it appends its findings to `out` and does nothing else.
using RuleCheck = void (*)(const Facts& facts, const Target& target, const BaselineTable& table,
                           std::vector<Finding>& out);

struct Rule {
  const char* id;
  const char* summary;
  RuleCheck check;
};

// Every rule, in the order their findings are reported.
const std::vector<Rule>& all_rules();

// All findings of all rules for a file on a target, in rule order.
std::vector<Finding> evaluate(const Facts& facts, const Target& target, const BaselineTable& table);

}  // namespace portcheck
