// What a rule says about one file on one target.
#pragma once

#include <string>
#include <vector>

namespace portcheck {

enum class Severity { info, warn, fail };

struct Finding {
  std::string rule;  // the rule's stable id, e.g. "glibc-version"
  Severity severity = Severity::info;
  std::string message;                // names the culprit and the target's limit
  std::string hint;                   // a concrete fix, in the binary's own toolchain where known
  std::vector<std::string> culprits;  // "symbol@VERSION", sonames, paths
};

const char* to_string(Severity severity);

}  // namespace portcheck
