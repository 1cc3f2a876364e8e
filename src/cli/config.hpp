// The project config file, .portcheck.json: a project states its targets, its gate, extra
// baselines, excluded paths and its accepted exceptions once, next to its code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "portcheck/report.hpp"

namespace portcheck::cli {

struct ProjectConfig {
  std::string path;  // the file it was read from
  std::vector<std::string> targets;
  std::optional<std::string> fail_on;    // "warn" or "fail"
  std::optional<std::string> baselines;  // resolved against the config file's directory
  std::vector<std::string> excludes;
  std::vector<Suppression> suppressions;
};

struct ConfigResult {
  std::optional<ProjectConfig> config;  // none found is not an error
  std::string error;                    // one line, naming the file
};

// Reads `explicit_path`, or the first .portcheck.json in the current directory or its parents.
ConfigResult load_config(const std::optional<std::string>& explicit_path);

// The config in `text`, read from `path`; a problem throws std::runtime_error, one line that
// does not name the file.
ProjectConfig read_config(const std::string& path, const std::string& text);

}  // namespace portcheck::cli
