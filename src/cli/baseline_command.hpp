// `portcheck baseline capture`: the running system, or a root file system unpacked in a
// directory, printed as one target of the baseline table for a user's own --baselines file.
#pragma once

namespace portcheck::cli {

// argv[0] is "baseline"; returns the exit code.
int run_baseline_command(int argc, char** argv);

}  // namespace portcheck::cli
