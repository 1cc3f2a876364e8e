#pragma once

#include <optional>

#include "options.hpp"
#include "portcheck/report.hpp"

namespace portcheck::cli {

// Runs the pipeline for a plan; returns the process exit code.
int run(const RunPlan& plan);

// The pipeline up to the report, for commands that compare reports (diff). On failure the
// message has been printed and `exit_code` says why.
struct Reported {
  std::optional<Report> report;
  int exit_code = 0;
};
Reported report_for(const RunPlan& plan);

}  // namespace portcheck::cli
