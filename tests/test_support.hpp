// Helpers shared by the tests: fixture paths, loading a file, running a command.
#pragma once

#include <string>
#include <vector>

#include "portcheck/facts.hpp"
#include "portcheck/file_error.hpp"

namespace portcheck::test {

std::string fixture(const std::string& name);
Result<ElfFacts> load_file(const std::string& path);
// Facts of a fixture that must load; fails the test otherwise.
Facts facts_of(const std::string& name);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout only
};
// Runs a shell command line; stderr goes to the file `stderr_path` when given.
CommandResult run_command(const std::string& command);
std::string shell_quote(const std::string& text);
std::string read_text(const std::string& path);

}  // namespace portcheck::test
