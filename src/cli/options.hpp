// Command-line arguments, resolved once into the plan the run follows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "portcheck/report.hpp"

namespace portcheck::cli {

enum class Format { text, json, sarif, github, markdown, junit, gitlab, html };

struct ExtraOutput {
  Format format;
  std::string file;
};

struct RunPlan {
  std::vector<std::string> paths;
  Format format = Format::text;
  std::optional<std::string> output_file;
  bool color = false;
  std::vector<std::string> target_specs;  // ids and @groups; empty means @supported
  std::optional<std::string> baselines_file;
  bool list_targets = false;
  Gate gate;
  unsigned jobs = 1;                       // files analysed at once
  size_t memory_budget = SIZE_MAX;         // --max-memory, in bytes
  std::vector<std::string> excludes;       // globs left out of directories and archives
  std::string platform;                    // of a multi-platform container image, only this one
  bool tree = false;                       // print each file's dependency tree
  std::vector<ExtraOutput> extra_outputs;  // --json FILE, --sarif FILE, ...
  std::optional<std::string> sarif_root;   // --sarif-root: SARIF's %SRCROOT%, GitLab's root
  std::optional<std::string> config_file;  // the .portcheck.json in effect, for messages
};

// Either a plan, or the exit code to leave with (after --help, --version or a usage error,
// whose message has already been printed).
struct ParsedArgs {
  std::optional<RunPlan> plan;
  int exit_code = 0;
};

ParsedArgs parse_args(int argc, char** argv);

// The default of --max-memory: 4 GiB, or half of the RAM or of ulimit -v when that is less.
size_t default_memory_budget();
// --platform's form, os/arch[/variant] (and @N for the Nth image of one platform): "" when
// `text` has it, else why not.
std::string check_platform(const std::string& text);

// The least --max-memory accepted.
constexpr size_t kMinMemoryBudget = size_t{16} << 20;

}  // namespace portcheck::cli
