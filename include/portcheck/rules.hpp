// The rule engine: small independent rules, each with a stable id and a doc entry in
// docs/rules.md, run for one file's facts against one target.
#pragma once

#include <vector>

#include "portcheck/baseline.hpp"
#include "portcheck/facts.hpp"
#include "portcheck/finding.hpp"

namespace portcheck {

using RuleCheck = void (*)(const Facts& facts, const Target& target, std::vector<Finding>& out);

struct Rule {
  const char* id;
  const char* summary;
  RuleCheck check;
};

// Every rule, in the order their findings are reported.
const std::vector<Rule>& all_rules();

// All findings of all rules for a file on a target, in rule order.
std::vector<Finding> evaluate(const Facts& facts, const Target& target);

}  // namespace portcheck
