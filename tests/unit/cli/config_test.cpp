// .portcheck.json read as portcheck reads it: every key known, every value of its type, and a
// suppression narrowed only by fields that are really there.
#include "config.hpp"

#include <catch2/catch.hpp>

using namespace portcheck::cli;

namespace {

std::string error_of(const std::string& text) {
  try {
    read_config("/p/.portcheck.json", text);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("config: a good file", "[cli]") {
  ProjectConfig config = read_config("/p/.portcheck.json", R"({
    "targets": ["rhel-8", "@debian"], "fail_on": "warn", "baselines": "t.json",
    "exclude": ["*/share/*"],
    "suppressions": [{"rule": "exec-stack", "target": "rhel-8", "file": "a/*",
                      "culprit": "x", "reason": "why"}]})");
  CHECK(config.targets == std::vector<std::string>{"rhel-8", "@debian"});
  CHECK(config.fail_on == "warn");
  CHECK(config.baselines == "/p/t.json");
  CHECK(config.excludes == std::vector<std::string>{"*/share/*"});
  REQUIRE(config.suppressions.size() == 1);
  CHECK(config.suppressions[0].target == "rhel-8");
  CHECK(read_config("/p/c.json", "{}").suppressions.empty());
}

TEST_CASE("config: unknown keys, wrong types and empty fields are errors", "[cli]") {
  const char* reason = R"("reason": "r")";
  auto suppression = [&](const std::string& fields) {
    return R"({"suppressions": [{"rule": "exec-stack", )" + fields + ", " + reason + "}]}";
  };
  CHECK(error_of(suppression(R"("traget": "rhel-8")")) == "suppression 1: unknown key \"traget\"");
  CHECK(error_of(suppression(R"("fiel": "a/*")")) == "suppression 1: unknown key \"fiel\"");
  CHECK(error_of(suppression(R"("target": ["rhel-8"])")) ==
        "suppression 1: \"target\" must be a string, not an array");
  CHECK(error_of(suppression(R"("file": "")")) == "suppression 1: \"file\" is empty");
  CHECK(error_of(R"({"suppressions": [{"rule": "x"}]})") == "suppression 1 has no \"reason\"");
  CHECK(error_of(R"({"suppressions": [{"reason": "x"}]})") == "suppression 1 names no \"rule\"");
  CHECK(error_of(R"({"suppressions": [5]})") == "suppression 1 must be an object, not a number");
  CHECK(error_of(R"({"suppressions": {}})") == "\"suppressions\" must be an array, not an object");
  CHECK(error_of(R"({"tagrets": []})") == "unknown key \"tagrets\"");
  CHECK(error_of("{\"a\\nb\": 1}") == "unknown key \"a\\nb\"");
  CHECK(error_of(R"({"targets": "rhel-8"})") == "\"targets\" must be an array, not a string");
  CHECK(error_of(R"({"targets": ["rhel-8", 9]})") ==
        "\"targets\" item 2 must be a string, not a number");
  CHECK(error_of(R"({"exclude": [null]})") == "\"exclude\" item 1 must be a string, not null");
  CHECK(error_of(R"({"fail_on": true})") == "\"fail_on\" must be a string, not a boolean");
  CHECK(error_of(R"({"fail_on": "never"})") == "\"fail_on\" must be \"warn\" or \"fail\"");
  CHECK(error_of(R"({"baselines": ""})") == "\"baselines\" must name a file");
  CHECK(error_of(R"({"baselines": 1})") == "\"baselines\" must be a string, not a number");
  CHECK(error_of("[]") == "the config must be a JSON object");
  CHECK(error_of(std::string(1000, '[') + std::string(1000, ']')) ==
        "nested deeper than 128 levels");
  CHECK(error_of(R"({"targets": )" + std::string(500, '[')) == "nested deeper than 128 levels");
}

TEST_CASE("config: a file that cannot be read is a one-line error naming it", "[cli]") {
  CHECK(load_config(std::string("/dev/zero")).error ==
        "/dev/zero: cannot read the config file: not a regular file");
  CHECK(load_config(std::string("/")).error == "/: cannot read the config file: is a directory");
}
