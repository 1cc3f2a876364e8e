// Target selection: ids and @groups from the command line -> targets of the table, in table order.
#pragma once

#include <string>
#include <vector>

#include "portcheck/baseline.hpp"

namespace portcheck::cli {

struct Selection {
  std::vector<const Target*> targets;
  std::string error;  // set when a spec names no target; lists the valid ones
};

Selection select_targets(const BaselineTable& table, const std::vector<std::string>& specs);

}  // namespace portcheck::cli
