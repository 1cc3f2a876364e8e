#include "test_support.hpp"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "portcheck/derive.hpp"
#include "portcheck/inputs.hpp"
#include "portcheck/load.hpp"

namespace portcheck::test {

std::string fixture(const std::string& name) {
  return std::string(PORTCHECK_FIXTURE_DIR) + "/" + name;
}

Result<ElfFacts> load_file(const std::string& path) {
  Result<FileBytes> input = map_input(path);
  if (auto* error = std::get_if<FileError>(&input)) return *error;
  return load_elf(path, std::get<FileBytes>(input));
}

Facts facts_of(const std::string& name) {
  Result<ElfFacts> loaded = load_file(fixture(name));
  if (auto* error = std::get_if<FileError>(&loaded)) {
    FAIL(name << ": " << to_string(error->kind) << ": " << error->message);
  }
  return derive_facts(name, std::get<ElfFacts>(loaded));
}

Target test_policy(std::vector<std::string> libraries) {
  Target target;
  target.id = "manylinux_x";
  target.family = "manylinux";
  target.kind = "policy";
  target.architectures = {"x86_64"};
  target.libc_flavour = "glibc";
  target.symbol_versions["x86_64"] = {{"GLIBC", {2, 17}}};
  target.interpreters = {{"x86_64", "/lib64/ld-linux-x86-64.so.2"}};
  target.default_libraries = std::move(libraries);
  target.whitelist_only = true;
  return target;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[65536];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, got);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string read_text(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace portcheck::test
