#include <signal.h>
#include <unistd.h>

#include <clocale>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "baseline_command.hpp"
#include "diff_command.hpp"
#include "options.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/load.hpp"
#include "portcheck/report.hpp"
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

// Archive member names are stored in UTF-8 (zip, pax); libarchive hands them over converted to
// the locale's character set, which in the C locale of most CI jobs cannot hold `données/`.
// Only the character type is set, before any thread starts; a machine without the C.UTF-8
// locale keeps the C locale and reports such members as unreadable names.
void use_utf8_names() {
  for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"}) {
    if (std::setlocale(LC_CTYPE, name)) return;
  }
}

}  // namespace

static int run_command(int argc, char** argv) {
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

// Running out of memory outside any one input (each input's own allocation failures are its
// error) ends the run with one line, never an abort.
int main(int argc, char** argv) {
  handle_bus_errors();
  use_utf8_names();
  try {
    return run_command(argc, argv);
  } catch (const std::bad_alloc&) {
    say("portcheck: out of memory: the run could not complete (see --max-memory)\n");
  } catch (const std::exception& e) {
    std::string line = "portcheck: internal error: " + portcheck::escape_text(e.what()) + "\n";
    say(line.c_str());
  }
  return portcheck::exit_output_error;
}
