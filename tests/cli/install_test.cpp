// What `cmake --install` ships besides the binary: the man page and the shell completions must
// know every option `portcheck --help` shows, and the man page no option it does not.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <set>

#include "test_support.hpp"

namespace portcheck::test {
namespace {

namespace fs = std::filesystem;

std::set<std::string> long_options(const std::string& text) {
  static const std::regex option(R"(--[a-z][a-z0-9-]*)");
  std::set<std::string> found;
  for (std::sregex_iterator it(text.begin(), text.end(), option), end; it != end; ++it) {
    found.insert(it->str());
  }
  return found;
}

// The options of portcheck and of `portcheck baseline capture`, as their --help lists them.
std::set<std::string> help_options() {
  std::string binary = shell_quote(PORTCHECK_BINARY);
  std::set<std::string> options = long_options(run_command(binary + " --help").out);
  for (const auto& option : long_options(run_command(binary + " baseline capture --help").out)) {
    options.insert(option);
  }
  return options;
}

// man(7) source writes a hyphen as "\-".
std::string man_page_text() {
  std::string text = read_text(std::string(PORTCHECK_SOURCE_DIR) + "/docs/portcheck.1");
  return std::regex_replace(text, std::regex(R"(\\-)"), "-");
}

bool have(const std::string& program) {
  return run_command("command -v " + program + " >/dev/null 2>&1").exit_code == 0;
}

}  // namespace

TEST_CASE("the man page has exactly the options of --help", "[install]") {
  std::set<std::string> help = help_options();
  REQUIRE(help.count("--format") == 1);
  std::set<std::string> man = long_options(man_page_text());
  for (const auto& option : help) {
    INFO(option << " is in --help");
    CHECK(man.count(option) == 1);
  }
  for (const auto& option : man) {
    INFO(option << " is in the man page");
    CHECK(help.count(option) == 1);
  }
  if (have("groff")) {
    auto warnings =
        run_command("groff -man -ww -z " +
                    shell_quote(std::string(PORTCHECK_SOURCE_DIR) + "/docs/portcheck.1") + " 2>&1");
    CHECK(warnings.out.empty());
  } else {
    WARN("groff is not installed: the man page's formatting is not checked");
  }
}

TEST_CASE("the completions offer every option of --help", "[install]") {
  std::set<std::string> help = help_options();
  for (const char* name : {"portcheck.bash", "_portcheck", "portcheck.fish"}) {
    std::string path = std::string(PORTCHECK_SOURCE_DIR) + "/completions/" + name;
    std::string text = read_text(path);
    // fish spells options without their dashes: `complete -c portcheck -l format`.
    bool fish = std::string(name) == "portcheck.fish";
    for (const auto& option : help) {
      INFO(name << " lacks " << option);
      CHECK(text.find(fish ? "-l " + option.substr(2) : option) != std::string::npos);
    }
  }
  CHECK(run_command("bash -n " +
                    shell_quote(std::string(PORTCHECK_SOURCE_DIR) + "/completions/portcheck.bash"))
            .exit_code == 0);
  for (const auto& [shell, file] : {std::pair{"zsh", "_portcheck"}, {"fish", "portcheck.fish"}}) {
    if (!have(shell)) continue;
    std::string path = std::string(PORTCHECK_SOURCE_DIR) + "/completions/" + file;
    CHECK(run_command(std::string(shell) + " -n " + shell_quote(path)).exit_code == 0);
  }
}

TEST_CASE("cmake --install lays out the binary, the man page and the completions", "[install]") {
  fs::path prefix = fs::temp_directory_path() / ("portcheck-install-" + std::to_string(::getpid()));
  fs::remove_all(prefix);
  auto installed =
      run_command(shell_quote(PORTCHECK_CMAKE) + " --install " + shell_quote(PORTCHECK_BUILD_DIR) +
                  " --prefix " + shell_quote(prefix.string()) + " >/dev/null 2>&1");
  CHECK(installed.exit_code == 0);
  for (const char* file :
       {"bin/portcheck", "share/man/man1/portcheck.1.gz", "share/doc/portcheck/changelog.gz",
        "share/bash-completion/completions/portcheck", "share/zsh/vendor-completions/_portcheck",
        "share/fish/vendor_completions.d/portcheck.fish", "share/doc/portcheck/copyright"}) {
    INFO(file);
    CHECK(fs::is_regular_file(prefix / file));
  }
  auto version = run_command(shell_quote((prefix / "bin/portcheck").string()) + " --version");
  CHECK_THAT(version.out, Catch::StartsWith("portcheck "));
  fs::remove_all(prefix);
}

}  // namespace portcheck::test
