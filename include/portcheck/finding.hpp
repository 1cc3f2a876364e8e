// What a rule says about one file on one target.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace portcheck {

enum class Severity { info, warn, fail };

struct Finding {
  Finding() = default;
  Finding(std::string rule_id, Severity level, std::string text, std::string fix,
          std::vector<std::string> names)
      : rule(std::move(rule_id)),
        severity(level),
        message(std::move(text)),
        hint(std::move(fix)),
        culprits(std::move(names)) {}

  std::string rule;  // the rule's stable id, e.g. "glibc-version"
  Severity severity = Severity::info;
  std::string message;                // names the culprit and the target's limit
  std::string hint;                   // a concrete fix, in the binary's own toolchain where known
  std::vector<std::string> culprits;  // "symbol@VERSION", sonames, paths
  // Set when a suppression of the project's config matched: its index there and its reason.
  // A suppressed finding stays in the report but no longer counts toward the verdict.
  int suppression = -1;
  std::string suppression_reason;
};

const char* to_string(Severity severity);

}  // namespace portcheck
