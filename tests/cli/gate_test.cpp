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

// stderr alone, and the exit code.
CommandResult stderr_in(const std::string& dir, const std::string& args) {
  return run_command("cd " + shell_quote(dir) + " && " + shell_quote(PORTCHECK_BINARY) + " " +
                     args + " 2>&1 >/dev/null");
}

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
  CHECK(markdown.find("| <code>glibc-2.28</code> | ❌ fail | 1 of 2 |") != std::string::npos);
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

TEST_CASE("config: misspelt or mistyped keys anywhere, and unreadable files, are usage errors",
          "[cli]") {
  std::string dir = scratch("config-keys");
  run_command("cp " + shell_quote(fixture("glibc-2.28")) + " " + dir + "/");
  auto error_with = [&](const std::string& config) {
    write(dir + "/.portcheck.json", config);
    CommandResult result = stderr_in(dir, "glibc-2.28");
    CHECK(result.exit_code == 2);
    return result.out;
  };
  std::string file = dir + "/.portcheck.json: ";
  // Without the check, "traget" and "fiel" were ignored: the suppression covered every target.
  CHECK(error_with(R"({"suppressions": [{"rule": "glibc-version", "traget": "centos-7",
                      "reason": "r"}]})") ==
        "portcheck: " + file + "suppression 1: unknown key \"traget\"\n");
  CHECK(error_with(R"({"suppressions": [{"rule": "glibc-version", "fiel": "x*",
                      "reason": "r"}]})") ==
        "portcheck: " + file + "suppression 1: unknown key \"fiel\"\n");
  CHECK(error_with(R"({"targets": "rhel-8"})") ==
        "portcheck: " + file + "\"targets\" must be an array, not a string\n");
  CHECK(
      error_with(R"({"suppressions": [{"rule": "glibc-version", "target": 7, "reason": "r"}]})") ==
      "portcheck: " + file + "suppression 1: \"target\" must be a string, not a number\n");
  CHECK(error_with(R"({"baselines": ""})") ==
        "portcheck: " + file + "\"baselines\" must name a file\n");
  CHECK(error_with(R"({"baselines": "."})") ==
        "portcheck: " + dir + "/.: cannot read the baseline table: is a directory\n");
  CHECK(error_with(std::string(1000000, '[') + std::string(1000000, ']')) ==
        "portcheck: " + file + "nested deeper than 128 levels\n");
  auto zero = stderr_in(dir, "--config /dev/zero glibc-2.28");
  CHECK(zero.exit_code == 2);
  CHECK(zero.out == "portcheck: /dev/zero: cannot read the config file: not a regular file\n");
  run_command("rm -rf " + dir);
}

TEST_CASE("diff: a saved report of the wrong shape is a usage error naming what is wrong",
          "[cli]") {
  std::string dir = scratch("diff-shape");
  in_dir(PORTCHECK_FIXTURE_DIR, "--format json -t rhel-8 -o " + dir + "/good.json glibc-2.17");
  nlohmann::json good = nlohmann::json::parse(read_text(dir + "/good.json"));
  auto diff_with = [&](const std::string& report) {
    write(dir + "/old.json", report);
    CommandResult result =
        stderr_in(PORTCHECK_FIXTURE_DIR, "diff -t rhel-8 " + dir + "/old.json glibc-2.34");
    CHECK(result.exit_code == 2);
    return result.out;
  };
  std::string prefix = "portcheck: " + dir + "/old.json: not a portcheck JSON report: ";
  CHECK(diff_with(R"({"schema_version":1,"files":5})") ==
        prefix + "files must be an array, not a number\n");
  nlohmann::json number = good;
  number["files"][0]["requirements"]["max"]["GLIBC"] = 2.34;
  CHECK(diff_with(number.dump()) ==
        prefix + "files[0].requirements.max.\"GLIBC\" must be a string, not a number\n");
  nlohmann::json missing = good;
  missing["files"][0].erase("requirements");
  CHECK(diff_with(missing.dump()) == prefix + "files[0].requirements is missing\n");
  CHECK(diff_with("{\"schema_version\":1,\"files\":[" + std::string(1000000, '[') +
                  std::string(1000000, ']') + "]}") == prefix + "nested deeper than 128 levels\n");
  CHECK(diff_with("{\"schema") == prefix +
                                      "parse error at line 1, column 9: syntax error while parsing "
                                      "object key - invalid string: missing closing quote; last "
                                      "read: '\"schema'; expected string literal\n");
  // Cut off past the limit, it is not read beyond 64 MiB.
  write(dir + "/big.json", "{");
  run_command("truncate -s 67108865 " + dir + "/big.json");
  auto big = stderr_in(PORTCHECK_FIXTURE_DIR, "diff -t rhel-8 " + dir + "/big.json glibc-2.34");
  CHECK(big.exit_code == 2);
  CHECK(big.out.find(dir + "/big.json: cannot read the report: larger than 64 MiB\n") !=
        std::string::npos);
  auto fine = in_dir(PORTCHECK_FIXTURE_DIR, "diff -t rhel-8 " + dir + "/good.json glibc-2.34");
  CHECK(fine.exit_code == 1);
  run_command("rm -rf " + dir);
}

TEST_CASE("diff: output that cannot be written exits 4; a broken file on one side only exits 3",
          "[cli]") {
  std::string binary = "timeout 60 " + shell_quote(PORTCHECK_BINARY);
  std::string same = shell_quote(fixture("glibc-2.28")) + " " + shell_quote(fixture("glibc-2.28"));
  auto full = run_command(binary + " diff -t rhel-8 " + same + " 2>&1 >/dev/full");
  CHECK(full.exit_code == 4);
  CHECK(full.out == "portcheck: stdout: cannot write the report: No space left on device\n");
  auto json = run_command(binary + " diff --format json -t rhel-8 " + same + " 2>&1 >/dev/full");
  CHECK(json.exit_code == 4);
  // With SIGPIPE ignored, a pipe closed before the diff is written is a failure too.
  std::string dir = scratch("diff-outputs");
  run_command("trap '' PIPE; (sleep 1; " + binary + " diff -t rhel-8 " + same + " 2>" + dir +
              "/err; echo $? > " + dir + "/rc) | true");
  CHECK(read_text(dir + "/rc") == "4\n");
  CHECK(read_text(dir + "/err") == "portcheck: stdout: cannot write the report: Broken pipe\n");
  // A file that could not be analysed counts on either side, paired or not.
  run_command("cd " + dir + " && mkdir do dn && cp " + shell_quote(fixture("glibc-2.28")) +
              " do/ok && cp do/ok dn/ok && cp " + shell_quote(fixture("truncated-half")) +
              " do/broken");
  auto only_old = run_command("cd " + dir + " && " + binary + " diff -t rhel-8 do dn 2>/dev/null");
  CHECK(only_old.exit_code == 3);
  CHECK(only_old.out.find("only in the old release: do/broken") != std::string::npos);
  auto only_new = run_command("cd " + dir + " && " + binary + " diff -t rhel-8 dn do 2>/dev/null");
  CHECK(only_new.exit_code == 3);
  auto clean = run_command("cd " + dir + " && " + binary + " diff -t rhel-8 dn dn 2>/dev/null");
  CHECK(clean.exit_code == 0);
  run_command("rm -rf " + dir);
}

}  // namespace portcheck::test
