#include "config.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>

#include "portcheck/json_file.hpp"

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

// A misspelt key would be ignored, and a suppression without its narrowing field covers every
// target or file: every key must be known.
void require_known_keys(const Json& object, const std::vector<std::string>& known,
                        const std::string& prefix) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw std::runtime_error(prefix + "unknown key " + json_quoted(key));
    }
  }
}

// `object`'s member `key` when present, of `kind`; messages start with `prefix`.
const Json* member_of(const Json& object, const std::string& key, JsonKind kind,
                      const std::string& prefix = "") {
  auto found = object.find(key);
  if (found == object.end()) return nullptr;
  json_require(*found, kind, prefix + json_quoted(key));
  return &*found;
}

std::vector<std::string> strings_of(const Json& json, const std::string& key) {
  std::vector<std::string> strings;
  const Json* list = member_of(json, key, JsonKind::array);
  for (size_t i = 0; list && i < list->size(); ++i) {
    json_require((*list)[i], JsonKind::string, json_quoted(key) + " item " + std::to_string(i + 1));
    strings.push_back((*list)[i].get<std::string>());
  }
  return strings;
}

std::string field_of(const Json& item, const std::string& key, const std::string& where) {
  const Json* value = member_of(item, key, JsonKind::string, where + ": ");
  if (!value) return "";
  std::string text = value->get<std::string>();
  // Empty would match everything, like a missing field, which is not what was written.
  if (text.empty()) throw std::runtime_error(where + ": " + json_quoted(key) + " is empty");
  return text;
}

Suppression read_suppression(const Json& item, size_t index) {
  std::string where = "suppression " + std::to_string(index + 1);
  json_require(item, JsonKind::object, where);
  require_known_keys(item, {"rule", "target", "file", "culprit", "reason"}, where + ": ");
  Suppression s;
  s.rule = field_of(item, "rule", where);
  s.target = field_of(item, "target", where);
  s.file = field_of(item, "file", where);
  s.culprit = field_of(item, "culprit", where);
  s.reason = field_of(item, "reason", where);
  // An exception nobody can explain is not accepted.
  if (s.reason.empty()) throw std::runtime_error(where + " has no \"reason\"");
  if (s.rule.empty()) throw std::runtime_error(where + " names no \"rule\"");
  return s;
}

}  // namespace

ProjectConfig read_config(const std::string& path, const std::string& text) {
  Json json = parse_json(text);
  if (!json.is_object()) throw std::runtime_error("the config must be a JSON object");
  require_known_keys(json, {"targets", "fail_on", "baselines", "exclude", "suppressions"}, "");
  ProjectConfig config;
  config.path = path;
  config.targets = strings_of(json, "targets");
  if (const Json* fail_on = member_of(json, "fail_on", JsonKind::string)) {
    config.fail_on = fail_on->get<std::string>();
    if (*config.fail_on != "warn" && *config.fail_on != "fail") {
      throw std::runtime_error("\"fail_on\" must be \"warn\" or \"fail\"");
    }
  }
  if (const Json* baselines = member_of(json, "baselines", JsonKind::string)) {
    std::string file = baselines->get<std::string>();
    if (file.empty()) throw std::runtime_error("\"baselines\" must name a file");
    config.baselines = file[0] == '/' ? file : directory_of(path) + "/" + file;
  }
  config.excludes = strings_of(json, "exclude");
  const Json* suppressions = member_of(json, "suppressions", JsonKind::array);
  for (size_t i = 0; suppressions && i < suppressions->size(); ++i) {
    config.suppressions.push_back(read_suppression((*suppressions)[i], i));
  }
  return config;
}

ConfigResult load_config(const std::optional<std::string>& explicit_path) {
  std::optional<std::string> path = explicit_path ? explicit_path : find_upwards();
  if (!path) return {};
  JsonText file = read_json_file(*path);
  if (!file.error.empty()) {
    return {std::nullopt, *path + ": cannot read the config file: " + file.error};
  }
  try {
    return {read_config(*path, file.text), ""};
  } catch (const std::exception& e) {
    return {std::nullopt, *path + ": " + json_error_text(e)};
  }
}

}  // namespace portcheck::cli
