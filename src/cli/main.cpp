#include <cstring>

#include "baseline_command.hpp"
#include "diff_command.hpp"
#include "options.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  // `portcheck baseline ...` works on the target table, not on files: a command of its own.
  if (argc > 1 && std::strcmp(argv[1], "baseline") == 0) {
    return portcheck::cli::run_baseline_command(argc - 1, argv + 1);
  }
  if (argc > 1 && std::strcmp(argv[1], "diff") == 0) {
    return portcheck::cli::run_diff_command(argc - 1, argv + 1);
  }
  portcheck::cli::ParsedArgs args = portcheck::cli::parse_args(argc, argv);
  if (!args.plan) return args.exit_code;
  return portcheck::cli::run(*args.plan);
}
