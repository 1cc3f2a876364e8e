#pragma once

#include "options.hpp"

namespace portcheck::cli {

// Runs the pipeline for a plan; returns the process exit code.
int run(const RunPlan& plan);

}  // namespace portcheck::cli
