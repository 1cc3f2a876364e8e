// portcheck as a CI gate: SARIF, GitHub and Markdown output, the project config with its
// suppressions, and release-to-release diffs.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace portcheck::test {
namespace {

CommandResult in_dir(const std::string& dir, const std::string& args, bool with_stderr = false) {
  return run_command("cd " + shell_quote(dir) + " && " + shell_quote(PORTCHECK_BINARY) + " " +
                     args + (with_stderr ? " 2>&1" : " 2>/dev/null"));
}

std::string scratch(const std::string& name) {
  std::string dir = "/tmp/portcheck-gate-" + std::to_string(::getpid()) + "-" + name;
  run_command("rm -rf " + dir + " && mkdir -p " + dir);
  return dir;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("SARIF: rules, one result per finding, locations, levels", "[cli]") {
  auto result = in_dir(PORTCHECK_FIXTURE_DIR, "--format sarif -t centos-7,rhel-9 glibc-2.28 empty");
  CHECK(result.exit_code == 3);
  auto sarif = nlohmann::json::parse(result.out);
  CHECK(sarif["version"] == "2.1.0");
  const auto& run = sarif["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "portcheck");
  CHECK(run["tool"]["driver"]["rules"].size() >= 20);
  bool glibc = false, input_error = false;
  for (const auto& r : run["results"]) {
    std::string uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    glibc |= r["ruleId"] == "glibc-version" && r["level"] == "error" && uri == "glibc-2.28";
    input_error |= r["ruleId"] == "input-error" && uri == "empty";
    size_t index = r["ruleIndex"];
    CHECK(run["tool"]["driver"]["rules"][index]["id"] == r["ruleId"]);
  }
  CHECK(glibc);
  CHECK(input_error);
}

TEST_CASE("GitHub annotations and the Markdown summary; several formats at once", "[cli]") {
  std::string dir = scratch("formats");
  auto result =
      in_dir(PORTCHECK_FIXTURE_DIR, "-t centos-7,rhel-9 --format github --markdown " + dir +
                                        "/summary.md --json " + dir + "/report.json --sarif " +
                                        dir + "/report.sarif glibc-2.28");
  CHECK(result.exit_code == 1);
  CHECK(result.out.rfind("::error file=glibc-2.28,title=portcheck glibc-version (centos-7)::", 0) ==
        0);
  std::string markdown = read_text(dir + "/summary.md");
  CHECK(markdown.find("| `glibc-2.28` | ❌ fail | 1 of 2 |") != std::string::npos);
  CHECK(nlohmann::json::parse(read_text(dir + "/report.json"))["files"][0]["status"] == "fail");
  CHECK(nlohmann::json::parse(read_text(dir + "/report.sarif"))["version"] == "2.1.0");
  run_command("rm -rf " + dir);
}

TEST_CASE("config: targets and fail-on from .portcheck.json, found in a parent", "[cli]") {
  std::string dir = scratch("config");
  run_command("mkdir -p " + dir + "/sub && cp " + shell_quote(fixture("static-glibc-nss")) + " " +
              dir + "/sub/");
  write(dir + "/.portcheck.json", R"({"targets": ["debian-12"], "fail_on": "warn"})");
  auto json = nlohmann::json::parse(in_dir(dir + "/sub", "--format json static-glibc-nss").out);
  CHECK(json["targets"] == nlohmann::json({"debian-12"}));
  CHECK(in_dir(dir + "/sub", "static-glibc-nss").exit_code == 1);  // warn fails, from the config
  CHECK(in_dir(dir + "/sub", "--fail-on fail static-glibc-nss").exit_code == 0);  // flag wins
  CHECK(in_dir(dir + "/sub", "--no-config -t debian-12 static-glibc-nss").exit_code == 0);
  write(dir + "/.portcheck.json", R"({"targets": ["debian-12"], "tagrets": []})");
  auto bad = in_dir(dir + "/sub", "static-glibc-nss", true);
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.find("unknown key \"tagrets\"") != std::string::npos);
  run_command("rm -rf " + dir);
}

TEST_CASE("suppressions need a reason, stay visible, and stale ones are reported", "[cli]") {
  std::string dir = scratch("suppress");
  run_command("cp " + shell_quote(fixture("glibc-2.28")) + " " + dir + "/");
  write(dir + "/.portcheck.json", R"({"targets": ["centos-7", "rhel-8"], "suppressions": [
      {"rule": "glibc-version", "target": "centos-7", "file": "glibc-*"}]})");
  auto missing = in_dir(dir, "glibc-2.28", true);
  CHECK(missing.exit_code == 2);
  CHECK(missing.out.find("has no \"reason\"") != std::string::npos);

  write(dir + "/.portcheck.json", R"({"targets": ["centos-7", "rhel-8"], "suppressions": [
      {"rule": "glibc-version", "target": "centos-7", "file": "glibc-*",
       "reason": "CentOS 7 customers get the legacy build"},
      {"rule": "needed-library", "culprit": "libgone.so.1", "reason": "old exception"}]})");
  auto result = in_dir(dir, "--format json glibc-2.28");
  CHECK(result.exit_code == 0);
  auto json = nlohmann::json::parse(result.out);
  const auto& centos = json["files"][0]["targets"][0];
  CHECK(centos["verdict"] == "pass");
  CHECK(centos["findings"][0]["suppressed"]["reason"] == "CentOS 7 customers get the legacy build");
  REQUIRE(json["unused_suppressions"].size() == 1);
  CHECK(json["unused_suppressions"][0]["culprit"] == "libgone.so.1");
  auto stderr_text = run_command("cd " + dir + " && " + shell_quote(PORTCHECK_BINARY) +
                                 " glibc-2.28 2>&1 >/dev/null");
  CHECK(stderr_text.out.find("suppression matched nothing (rule needed-library") !=
        std::string::npos);
  std::string text = in_dir(dir, "--color never glibc-2.28").out;
  CHECK(text.find("centos-7            pass    (1 suppressed)\n") != std::string::npos);
  CHECK(text.find("rhel-8              pass\n") != std::string::npos);
  auto sarif = nlohmann::json::parse(in_dir(dir, "--format sarif glibc-2.28").out);
  bool justified = false;
  for (const auto& r : sarif["runs"][0]["results"]) {
    if (r.contains("suppressions")) {
      justified |=
          r["suppressions"][0]["justification"] == "CentOS 7 customers get the legacy build";
    }
  }
  CHECK(justified);
  run_command("rm -rf " + dir);
}

TEST_CASE("diff: a raised glibc floor names its symbols and exits 1", "[cli]") {
  auto raised = in_dir(PORTCHECK_FIXTURE_DIR, "diff -t rhel-8,rhel-9 glibc-2.17 glibc-2.34");
  CHECK(raised.exit_code == 1);
  CHECK(raised.out.find("GLIBC 2.17 -> 2.34 because of __libc_start_main@GLIBC_2.34") !=
        std::string::npos);
  CHECK(raised.out.find("targets lost: rhel-8") != std::string::npos);
  auto same = in_dir(PORTCHECK_FIXTURE_DIR, "diff -t rhel-8 release release.tar.gz");
  CHECK(same.exit_code == 0);
  CHECK(same.out.find("release/bin/tool -> release.tar.gz!/release/bin/tool: no change") !=
        std::string::npos);
  // a saved report on one side
  std::string dir = scratch("diff");
  in_dir(PORTCHECK_FIXTURE_DIR, "--format json -t rhel-8 -o " + dir + "/old.json glibc-2.17");
  auto saved =
      in_dir(PORTCHECK_FIXTURE_DIR, "diff -t rhel-8 --format json " + dir + "/old.json glibc-2.34");
  CHECK(saved.exit_code == 1);
  CHECK(nlohmann::json::parse(saved.out)["files"][0]["targets_lost"] == nlohmann::json({"rhel-8"}));
  run_command("rm -rf " + dir);
}

}  // namespace portcheck::test
