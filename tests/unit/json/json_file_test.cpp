// The bounds every JSON file portcheck reads is held to: regular files of at most 64 MiB,
// nesting of at most 128 levels, typed access with one-line messages.
#include "portcheck/json_file.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>

using namespace portcheck;
using Json = nlohmann::json;

namespace {

std::string nested(int levels) {
  return std::string(static_cast<size_t>(levels), '[') +
         std::string(static_cast<size_t>(levels), ']');
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& e) {
    return json_error_text(e);
  }
  return "";
}

}  // namespace

TEST_CASE("JSON files: only regular files, at most 64 MiB", "[json]") {
  CHECK(read_json_file("/dev/zero").error == "not a regular file");
  CHECK(read_json_file("/tmp").error == "is a directory");
  CHECK(read_json_file("/nonexistent/x.json").error == "No such file or directory");
  std::string path = "/tmp/portcheck-json-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << R"({"a": 1})";
  CHECK(read_json_file(path).text == R"({"a": 1})");
  // A sparse file: one byte over the limit is refused; reading stops at limit + 1.
  REQUIRE(::truncate(path.c_str(), static_cast<off_t>(kMaxJsonFileSize + 1)) == 0);
  JsonText large = read_json_file(path);
  CHECK(large.error == "larger than 64 MiB");
  CHECK(large.text.empty());
  REQUIRE(::truncate(path.c_str(), static_cast<off_t>(kMaxJsonFileSize)) == 0);
  CHECK(read_json_file(path).text.size() == kMaxJsonFileSize);
  ::unlink(path.c_str());
}

TEST_CASE("JSON nesting: 128 levels parse, more is an error, never a crash", "[json]") {
  CHECK(parse_json(nested(kMaxJsonDepth)).is_array());
  CHECK(error_of([] { parse_json(nested(kMaxJsonDepth + 1)); }) == "nested deeper than 128 levels");
  CHECK(error_of([] { parse_json(nested(1000000)); }) == "nested deeper than 128 levels");
  std::string objects;
  for (int i = 0; i < 200; ++i) objects += R"({"a":)";
  objects += "1" + std::string(200, '}');
  CHECK(error_of([&] { parse_json(objects); }) == "nested deeper than 128 levels");
  CHECK(error_of([] {
          parse_json("{\"a\": tru}");
        }).rfind("parse error at line 1, column 10: syntax error", 0) == 0);
  CHECK(error_of([] { parse_json(""); }).rfind("parse error", 0) == 0);
}

TEST_CASE("typed access names the member and the types", "[json]") {
  Json json = Json::parse(R"({"files": [{"path": 5}], "odd key\n": 1})");
  CHECK(json_member(json, "files", JsonKind::array, "").is_array());
  CHECK(error_of([&] { json_member(json, "name", JsonKind::string, ""); }) == "name is missing");
  CHECK(error_of([&] { json_member(json["files"][0], "path", JsonKind::string, "files[0]"); }) ==
        "files[0].path must be a string, not a number");
  CHECK(error_of([&] { json_member(json, "odd key\n", JsonKind::string, "x"); }) ==
        "x.\"odd key\\n\" must be a string, not a number");
  CHECK(json_optional_member(json, "absent", JsonKind::object, "") == nullptr);
  CHECK(error_of([&] { json_member(json["files"], "path", JsonKind::string, "files"); }) ==
        "files must be an object, not an array");
  CHECK(error_of([&] { json_member(Json(3), "path", JsonKind::string, ""); }) ==
        "the file must be an object, not a number");
  CHECK(json_quoted("a\nb\x01") == "\"a\\nb\\u0001\"");
}
