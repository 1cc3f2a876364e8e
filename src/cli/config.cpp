#include "config.hpp"

#include <unistd.h>

#include <climits>
#include <fstream>
#include <nlohmann/json.hpp>

namespace portcheck::cli {
namespace {

using Json = nlohmann::json;

std::optional<std::string> find_upwards() {
  char buffer[PATH_MAX];
  if (!::getcwd(buffer, sizeof buffer)) return std::nullopt;
  std::string dir = buffer;
  for (;;) {
    std::string candidate = (dir == "/" ? "" : dir) + "/.portcheck.json";
    if (::access(candidate.c_str(), R_OK) == 0) return candidate;
    if (dir == "/" || dir.empty()) return std::nullopt;
    auto slash = dir.find_last_of('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
}

std::string directory_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

Suppression read_suppression(const Json& item, size_t index) {
  Suppression s;
  s.rule = item.value("rule", "");
  s.target = item.value("target", "");
  s.file = item.value("file", "");
  s.culprit = item.value("culprit", "");
  s.reason = item.value("reason", "");
  // An exception nobody can explain is not accepted.
  if (s.reason.empty()) {
    throw std::runtime_error("suppression " + std::to_string(index + 1) + " has no \"reason\"");
  }
  if (s.rule.empty()) {
    throw std::runtime_error("suppression " + std::to_string(index + 1) + " names no \"rule\"");
  }
  return s;
}

ProjectConfig read_config(const std::string& path, const Json& json) {
  static const char* known[] = {"targets", "fail_on", "baselines", "exclude", "suppressions"};
  for (const auto& [key, value] : json.items()) {
    if (std::find(std::begin(known), std::end(known), key) == std::end(known)) {
      throw std::runtime_error("unknown key \"" + key + "\"");
    }
  }
  ProjectConfig config;
  config.path = path;
  config.targets = json.value("targets", std::vector<std::string>{});
  if (json.contains("fail_on")) {
    config.fail_on = json.at("fail_on").get<std::string>();
    if (*config.fail_on != "warn" && *config.fail_on != "fail") {
      throw std::runtime_error("\"fail_on\" must be \"warn\" or \"fail\"");
    }
  }
  if (json.contains("baselines")) {
    std::string file = json.at("baselines").get<std::string>();
    config.baselines = file[0] == '/' ? file : directory_of(path) + "/" + file;
  }
  config.excludes = json.value("exclude", std::vector<std::string>{});
  const Json suppressions = json.value("suppressions", Json::array());
  for (size_t i = 0; i < suppressions.size(); ++i) {
    config.suppressions.push_back(read_suppression(suppressions[i], i));
  }
  return config;
}

}  // namespace

ConfigResult load_config(const std::optional<std::string>& explicit_path) {
  std::optional<std::string> path = explicit_path ? explicit_path : find_upwards();
  if (!path) return {};
  std::ifstream file(*path);
  if (!file) return {std::nullopt, *path + ": cannot read the config file"};
  try {
    return {read_config(*path, Json::parse(file)), ""};
  } catch (const std::exception& e) {
    return {std::nullopt, *path + ": " + e.what()};
  }
}

}  // namespace portcheck::cli
