// Saved reports for `portcheck diff`: every field the diff reads is checked before it is read.
#include "saved_report.hpp"

#include <catch2/catch.hpp>

using namespace portcheck::cli;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_saved_report(text);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

const char* kFile = R"({"path": "a/tool", "release": "a", "status": "fail",
  "elf": {"needed": ["libc.so.6"]},
  "requirements": {"max": {"GLIBC": "2.34"},
                   "culprits": [{"symbol": "f", "version": "GLIBC_2.34", "library": "libc.so.6"}]},
  "targets": [{"id": "rhel-8", "verdict": "fail"}]})";

std::string report_of(const std::string& file) {
  return R"({"schema_version": 1, "files": [)" + file + "]}";
}

std::string with(std::string text, const std::string& from, const std::string& to) {
  return text.replace(text.find(from), from.size(), to);
}

}  // namespace

TEST_CASE("saved report: a good one, and an error entry without requirements", "[cli]") {
  CHECK(error_of(report_of(kFile)).empty());
  CHECK(error_of(report_of(R"({"path": "x", "status": "error", "error": "e"})")).empty());
  CHECK(error_of(R"({"schema_version": 1, "files": []})").empty());
}

TEST_CASE("saved report: each wrong shape is named", "[cli]") {
  CHECK(error_of(R"({"schema_version":1,"files":5})") == "files must be an array, not a number");
  CHECK(error_of(R"({"files": []})") == "schema_version is missing");
  CHECK(error_of(R"({"schema_version": 2, "files": []})") ==
        "unsupported schema_version (expected 1)");
  CHECK(error_of("[1]") == "the report must be an object, not an array");
  CHECK(error_of(report_of("7")) == "files[0] must be an object, not a number");
  CHECK(error_of(report_of(with(kFile, R"("2.34")", "2.34"))) ==
        "files[0].requirements.max.\"GLIBC\" must be a string, not a number");
  CHECK(error_of(report_of(with(kFile, R"("requirements")", R"("requirement")"))) ==
        "files[0].requirements is missing");
  CHECK(error_of(report_of(with(kFile, R"("path": "a/tool")", R"("path": null)"))) ==
        "files[0].path must be a string, not null");
  CHECK(error_of(report_of(with(kFile, R"("status": "fail")", R"("status": "ok")"))) ==
        "files[0].status must be \"pass\", \"fail\" or \"error\"");
  CHECK(error_of(report_of(with(kFile, R"(["libc.so.6"])", "[1]"))) ==
        "files[0].elf.needed[0] must be a string, not a number");
  CHECK(error_of(report_of(with(kFile, R"("symbol": "f")", R"("symbol": {})"))) ==
        "files[0].requirements.culprits[0].symbol must be a string, not an object");
  CHECK(error_of(report_of(with(kFile, R"("id": "rhel-8", )", ""))) ==
        "files[0].targets[0].id is missing");
  CHECK(error_of(report_of(with(kFile, R"("release": "a")", R"("release": 1)"))) ==
        "files[0].release must be a string, not a number");
  CHECK(error_of(report_of(std::string(1000, '[') + std::string(1000, ']'))) ==
        "nested deeper than 128 levels");
}

TEST_CASE("saved report: recognised by its first byte, read only when regular", "[cli]") {
  CHECK_FALSE(read_saved_report("/dev/zero").is_report);  // analysed, as an input
  CHECK_FALSE(read_saved_report("/").is_report);
  CHECK_FALSE(read_saved_report(PORTCHECK_BINARY).is_report);
}
