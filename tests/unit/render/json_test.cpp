// The JSON contract, checked on a report built by hand: field names and shapes other tools parse.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "portcheck/derive.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"

using namespace portcheck;

namespace {
Report sample_report() {
  ElfFacts elf;
  elf.machine = "x86_64";
  elf.type = FileType::pie_executable;
  elf.interpreter = "/lib64/ld-linux-x86-64.so.2";
  elf.needed = {"libz.so.1", "libc.so.6"};
  elf.version_needs = {{"libz.so.1", {{"ZLIB_1.2.9", 3, false}}},
                       {"libc.so.6", {{"GLIBC_2.2.5", 2, false}, {"GLIBC_2.34", 4, true}}}};
  elf.imports = {{"__libc_start_main", "GLIBC_2.34", "libc.so.6", false},
                 {"inflateReset2", "ZLIB_1.2.9", "libz.so.1", false}};
  Report report;
  report.portcheck_version = "9.9.9";
  report.files.push_back(report_file(derive_facts("./bin/tool", elf), {}, BaselineTable{}, Gate{}));
  report.files.push_back(report_file(FileError{"gone", ErrorKind::not_found, "No such file"}, {},
                                     BaselineTable{}, Gate{}));
  report.summary = summarize_run(report.files);
  return report;
}
}  // namespace

TEST_CASE("the JSON report keeps the documented shape", "[render]") {
  auto json = nlohmann::json::parse(render_json(sample_report()));
  CHECK(json["schema_version"] == 1);
  CHECK(json["portcheck_version"] == "9.9.9");
  const auto& file = json["files"][0];
  CHECK(file["path"] == "./bin/tool");
  CHECK(file["status"] == "pass");
  CHECK_FALSE(file.contains("error"));
  CHECK(file["elf"]["interpreter"] == "/lib64/ld-linux-x86-64.so.2");
  CHECK(file["elf"]["soname"].is_null());
  CHECK(file["elf"]["libc"] == "glibc");
  CHECK(file["requirements"]["max"]["GLIBC"] == "2.34");
  CHECK(file["requirements"]["max"]["ZLIB"] == "1.2.9");
  CHECK(file["requirements"]["versions"]["libc.so.6"][1] == "GLIBC_2.34");
  CHECK(file["requirements"]["weak_versions"][0]["version"] == "GLIBC_2.34");
  CHECK(file["requirements"]["culprits"][0]["symbol"] == "__libc_start_main");
  CHECK(file["requirements"]["culprits"][0]["library"] == "libc.so.6");
}

TEST_CASE("libraries keep their NEEDED order in the JSON object", "[render]") {
  std::string text = render_json(sample_report());
  CHECK(text.find("\"libz.so.1\": [") < text.find("\"libc.so.6\": ["));
}

TEST_CASE("an error entry has status error and a one-line message", "[render]") {
  auto json = nlohmann::json::parse(render_json(sample_report()));
  const auto& file = json["files"][1];
  CHECK(file["path"] == "gone");
  CHECK(file["status"] == "error");
  CHECK(file["error_kind"] == "not_found");
  std::string message = file["error"];
  CHECK(message.find('\n') == std::string::npos);
  CHECK_FALSE(file.contains("elf"));
}

TEST_CASE("bytes that are not UTF-8 do not break the JSON", "[render]") {
  ElfFacts elf;
  elf.needed = {std::string("lib\xff\xfe.so")};
  Report report;
  report.files.push_back(report_file(derive_facts("x", elf), {}, BaselineTable{}, Gate{}));
  CHECK_NOTHROW(nlohmann::json::parse(render_json(report)));
}

TEST_CASE("the text headline names the newest glibc and its culprits", "[render]") {
  std::string text = render_text(sample_report(), TextStyle{false});
  CHECK(text.find("needs glibc >= 2.34 because of __libc_start_main") != std::string::npos);
  CHECK(text.find("gone: error: not found") != std::string::npos);
  CHECK(text.find("\x1b[") == std::string::npos);
  CHECK(render_text(sample_report(), TextStyle{true}).find("\x1b[") != std::string::npos);
}

// The report is written a member and a file at a time; its bytes must be those of the whole
// document dumped at once (two-space indentation, then json_for_log), with and without files,
// and with names that json_for_log rewrites (DEL, a hidden control, a CI command).
TEST_CASE("the JSON report written piece by piece is laid out as one dump", "[render]") {
  ElfFacts elf;
  elf.needed = {std::string("lib\x7f\xe2\x80\xaeZ.so"), "##[group]x"};
  Report hostile;
  hostile.files.push_back(report_file(derive_facts("odd\x7f", elf), {}, BaselineTable{}, Gate{}));
  for (const Report& report : {sample_report(), Report{}, hostile}) {
    std::string text = render_json(report);
    auto document = nlohmann::ordered_json::parse(text);
    CHECK(text == json_for_log(document.dump(2)) + "\n");
  }
}
