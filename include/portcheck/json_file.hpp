// The JSON files portcheck reads besides its inputs: .portcheck.json, --baselines tables and the
// saved reports `portcheck diff` compares. They come from users and CI caches, so each is read
// only from a regular file of bounded size and parsed with a bounded nesting depth, and every
// value is type-checked before use: a hostile file is a one-line usage error, never a hang, an
// exhausted memory or a stack overflow (nlohmann copies and compares values recursively).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace portcheck {

// Far above any real file: the bundled table is about 200 KB, a report about 3 KB a file.
constexpr size_t kMaxJsonFileSize = size_t{64} << 20;  // 64 MiB
// Real files nest 6 levels at most.
constexpr int kMaxJsonDepth = 128;

struct JsonText {
  std::string text;
  std::string error;  // one line, without the path, when the file cannot be read
};

// The contents of a regular file of at most kMaxJsonFileSize bytes; a directory, a device, a
// FIFO or a larger file is an error, read no further than the limit.
JsonText read_json_file(const std::string& path);

// Parses `text`; invalid JSON, or nesting deeper than kMaxJsonDepth, throws std::runtime_error
// with a one-line message.
nlohmann::json parse_json(const std::string& text);

// The message of an exception from nlohmann or from the helpers here, without nlohmann's
// "[json.exception.type_error.302] " prefix.
std::string json_error_text(const std::exception& error);

// `text` as a JSON string, so a key with control characters in a message stays on one line.
std::string json_quoted(const std::string& text);

// "a string", "an array", ...: for messages about values of the wrong type.
std::string json_type_name(const nlohmann::json& value);

// Typed access to a member of a JSON object: `where` is the object's place in the file (empty
// for the top level), `kind` the type the member must have. A missing member, or one of another
// type, throws std::runtime_error naming it: `files[2].requirements is missing`.
enum class JsonKind { object, array, string, number, boolean };
const nlohmann::json& json_member(const nlohmann::json& object, const std::string& key,
                                  JsonKind kind, const std::string& where);
// The same for an optional member: nullptr when absent.
const nlohmann::json* json_optional_member(const nlohmann::json& object, const std::string& key,
                                           JsonKind kind, const std::string& where);
// Throws unless `value`, found at `where`, is of `kind`.
void json_require(const nlohmann::json& value, JsonKind kind, const std::string& where);

}  // namespace portcheck
