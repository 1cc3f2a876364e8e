// Helpers shared by the tests: fixture paths, loading a file, running a command.
#pragma once

#include <string>
#include <vector>

#include "portcheck/baseline.hpp"
#include "portcheck/facts.hpp"
#include "portcheck/file_error.hpp"

namespace portcheck::test {

std::string fixture(const std::string& name);
Result<ElfFacts> load_file(const std::string& path);
// Facts of a fixture that must load; fails the test otherwise.
Facts facts_of(const std::string& name);
// A whitelist-only glibc policy for x86_64 (GLIBC 2.17) with these libraries, named
// manylinux_x: the rules' tests add what they are about.
Target test_policy(std::vector<std::string> libraries);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout only
};
// Runs a shell command line; stderr goes to the file `stderr_path` when given.
CommandResult run_command(const std::string& command);
std::string shell_quote(const std::string& text);
std::string read_text(const std::string& path);

}  // namespace portcheck::test
