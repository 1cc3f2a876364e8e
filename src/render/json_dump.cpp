#include "json_dump.hpp"

#include "portcheck/escape.hpp"

namespace portcheck {
namespace {

using Json = nlohmann::ordered_json;

bool keys_plain(const Json& object) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (escape_json(it.key()) != it.key()) return false;
  }
  return true;
}

void escape_strings(Json& value) {
  if (value.is_string()) {
    value = escape_json(value.get_ref<const std::string&>());
    return;
  }
  // A number or a boolean iterates over itself in nlohmann/json: only containers are walked.
  if (!value.is_array() && !value.is_object()) return;
  for (auto& item : value) escape_strings(item);
  // Keys are names from the input too (libraries in `versions`): rebuilt only when one changes.
  if (!value.is_object() || keys_plain(value)) return;
  Json escaped = Json::object();
  for (auto it = value.begin(); it != value.end(); ++it) {
    escaped[escape_json(it.key())] = std::move(it.value());
  }
  value = std::move(escaped);
}

}  // namespace

std::string dump_escaped(Json document) { return dump_escaped_at(std::move(document), 0) + "\n"; }

std::string dump_escaped_at(Json value, int depth) {
  escape_strings(value);
  // After escape_json every string is UTF-8; `replace` only guards against a bug here.
  std::string dumped = value.dump(2, ' ', false, Json::error_handler_t::replace);
  if (depth > 0) {
    // A dumped string holds no raw newline (JSON escapes it): each one starts a line of layout.
    std::string nested;
    nested.reserve(dumped.size() + dumped.size() / 8);
    const std::string indent(static_cast<size_t>(2 * depth), ' ');
    for (char c : dumped) {
      nested += c;
      if (c == '\n') nested += indent;
    }
    dumped = std::move(nested);
  }
  return json_for_log(dumped);
}

}  // namespace portcheck
