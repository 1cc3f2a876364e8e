#include <signal.h>
#include <unistd.h>

#include <cstring>

#include "baseline_command.hpp"
#include "diff_command.hpp"
#include "options.hpp"
#include "portcheck/load.hpp"
#include "run.hpp"

namespace {

void say(const char* text) {
  if (::write(STDERR_FILENO, text, std::strlen(text)) < 0) return;
}

// Inputs are mapped, not copied: a file another process truncates while portcheck reads it
// raises SIGBUS. The run cannot go on, but it ends as an input error (exit 3) naming the file,
// not as a crash. Only async-signal-safe calls here.
void on_bus_error(int) {
  const char* path = portcheck::file_being_loaded();
  say("portcheck: ");
  say(path ? path : "an input file");
  say(": unreadable: the file shrank while it was being read\n");
  ::_exit(3);
}

void handle_bus_errors() {
  struct sigaction action {};
  action.sa_handler = on_bus_error;
  ::sigemptyset(&action.sa_mask);
  ::sigaction(SIGBUS, &action, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  handle_bus_errors();
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
