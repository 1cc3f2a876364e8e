// How each command ends on a CLI11 parse error. What CLI11 says quotes the command line, which
// may hold anything (a newline, a `::error::` workflow command): it is printed as one escaped
// line, never raw.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include "output.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/report.hpp"

namespace portcheck::cli {

// --help and --version (exit code 0) print what CLI11 prints, written and checked as a report
// is (exit 4 when stdout cannot take it); any other error is `portcheck: MESSAGE` and the hint
// line on stderr, exit 2.
inline int exit_after_parse_error(const CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
    std::ostringstream out;
    app.exit(e, out, std::cerr);
    return write_or_say(std::nullopt, out.str());
  }
  std::cerr << "portcheck: " << escape_text(e.what())
            << "\nRun with --help for more information.\n";
  return exit_usage;
}

}  // namespace portcheck::cli
