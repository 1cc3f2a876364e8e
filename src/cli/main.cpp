#include "options.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  portcheck::cli::ParsedArgs args = portcheck::cli::parse_args(argc, argv);
  if (!args.plan) return args.exit_code;
  return portcheck::cli::run(*args.plan);
}
