#include "portcheck/json_file.hpp"

#include "portcheck/inputs.hpp"

namespace portcheck {
namespace {

using Json = nlohmann::json;

bool is_kind(const Json& value, JsonKind kind) {
  switch (kind) {
    case JsonKind::object: return value.is_object();
    case JsonKind::array: return value.is_array();
    case JsonKind::string: return value.is_string();
    case JsonKind::number: return value.is_number();
    case JsonKind::boolean: return value.is_boolean();
  }
  return false;
}

std::string kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::object: return "an object";
    case JsonKind::array: return "an array";
    case JsonKind::string: return "a string";
    case JsonKind::number: return "a number";
    case JsonKind::boolean: return "true or false";
  }
  return "";
}

std::string place(const std::string& where, const std::string& key) {
  bool plain = !key.empty() && key.find_first_of(".[]\" \t\r\n") == std::string::npos;
  std::string name = plain ? key : json_quoted(key);
  return where.empty() ? name : where + "." + name;
}

}  // namespace

JsonText read_json_file(const std::string& path) {
  // One byte beyond the limit tells a file at the limit from a larger one.
  Result<InputFile> read = read_input(path, kMaxJsonFileSize + 1);
  if (const auto* error = std::get_if<FileError>(&read)) return {"", error->message};
  const std::vector<uint8_t>& bytes = std::get<InputFile>(read).bytes;
  if (bytes.size() > kMaxJsonFileSize) {
    return {"", "larger than " + std::to_string(kMaxJsonFileSize >> 20) + " MiB"};
  }
  return {std::string(bytes.begin(), bytes.end()), ""};
}

Json parse_json(const std::string& text) {
  // The parser itself does not recurse, but copying, comparing or printing the result would.
  auto bounded = [](int depth, Json::parse_event_t event, Json&) {
    bool opens =
        event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
    if (opens && depth >= kMaxJsonDepth) {
      throw std::runtime_error("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    return true;
  };
  return Json::parse(text, bounded);
}

std::string json_error_text(const std::exception& error) {
  std::string text = error.what();
  if (text.rfind("[json.exception.", 0) == 0) {
    auto end = text.find("] ");
    if (end != std::string::npos) text.erase(0, end + 2);
  }
  return text;
}

std::string json_quoted(const std::string& text) {
  return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string json_type_name(const Json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  return "null";
}

void json_require(const Json& value, JsonKind kind, const std::string& where) {
  if (is_kind(value, kind)) return;
  throw std::runtime_error(where + " must be " + kind_name(kind) + ", not " +
                           json_type_name(value));
}

const Json* json_optional_member(const Json& object, const std::string& key, JsonKind kind,
                                 const std::string& where) {
  json_require(object, JsonKind::object, where.empty() ? "the file" : where);
  auto found = object.find(key);
  if (found == object.end()) return nullptr;
  json_require(*found, kind, place(where, key));
  return &*found;
}

const Json& json_member(const Json& object, const std::string& key, JsonKind kind,
                        const std::string& where) {
  const Json* member = json_optional_member(object, key, kind, where);
  if (!member) throw std::runtime_error(place(where, key) + " is missing");
  return *member;
}

}  // namespace portcheck
