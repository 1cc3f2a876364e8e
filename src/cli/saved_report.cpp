#include "saved_report.hpp"

#include "portcheck/inputs.hpp"
#include "portcheck/json_file.hpp"

namespace portcheck::cli {
namespace {

using Json = nlohmann::json;

void require_strings(const Json& list, const std::string& where) {
  for (size_t i = 0; i < list.size(); ++i) {
    json_require(list[i], JsonKind::string, where + "[" + std::to_string(i) + "]");
  }
}

// Each item of `list` an object with string members `keys`.
void require_string_members(const Json& list, const std::string& where,
                            std::initializer_list<const char*> keys) {
  for (size_t i = 0; i < list.size(); ++i) {
    for (const char* key : keys) {
      json_member(list[i], key, JsonKind::string, where + "[" + std::to_string(i) + "]");
    }
  }
}

void check_requirements(const Json& file, const std::string& where) {
  std::string at = where + ".requirements";
  const Json& requirements = json_member(file, "requirements", JsonKind::object, where);
  for (const auto& [family, version] :
       json_member(requirements, "max", JsonKind::object, at).items()) {
    json_require(version, JsonKind::string, at + ".max." + json_quoted(family));
  }
  require_string_members(json_member(requirements, "culprits", JsonKind::array, at),
                         at + ".culprits", {"symbol", "version"});
}

// Every field diff_command.cpp reads, with its type: a field it starts reading is added here.
void check_file(const Json& file, const std::string& where) {
  json_require(file, JsonKind::object, where);
  json_member(file, "path", JsonKind::string, where);
  json_optional_member(file, "release", JsonKind::string, where);
  std::string status = json_member(file, "status", JsonKind::string, where).get<std::string>();
  if (status != "pass" && status != "fail" && status != "error") {
    throw std::runtime_error(where + ".status must be \"pass\", \"fail\" or \"error\"");
  }
  if (status == "error") return;  // a file that could not be analysed is not compared
  check_requirements(file, where);
  require_strings(json_member(json_member(file, "elf", JsonKind::object, where), "needed",
                              JsonKind::array, where + ".elf"),
                  where + ".elf.needed");
  require_string_members(json_member(file, "targets", JsonKind::array, where), where + ".targets",
                         {"id", "verdict"});
}

}  // namespace

Json parse_saved_report(const std::string& text) {
  Json report = parse_json(text);
  json_require(report, JsonKind::object, "the report");
  if (json_member(report, "schema_version", JsonKind::number, "") != 1) {
    throw std::runtime_error("unsupported schema_version (expected 1)");
  }
  const Json& files = json_member(report, "files", JsonKind::array, "");
  for (size_t i = 0; i < files.size(); ++i) {
    check_file(files[i], "files[" + std::to_string(i) + "]");
  }
  return report;
}

SavedReport read_saved_report(const std::string& path) {
  // An ELF file, an archive or a directory is analysed; portcheck's JSON starts with '{'.
  Result<InputFile> head = read_input(path, 1);
  const auto* first = std::get_if<InputFile>(&head);
  if (!first || first->bytes.empty() || first->bytes[0] != '{') return {};
  JsonText file = read_json_file(path);
  if (!file.error.empty()) {
    return {true, std::nullopt, path + ": cannot read the report: " + file.error};
  }
  try {
    return {true, parse_saved_report(file.text), ""};
  } catch (const std::exception& e) {
    return {true, std::nullopt, path + ": not a portcheck JSON report: " + json_error_text(e)};
  }
}

}  // namespace portcheck::cli
