// policy-symbol-versions (version sets as auditwheel applies them), the best tag of a file, and
// a wheel's file name held against its files, on facts built by hand and on the bundled table.
#include <algorithm>
#include <catch2/catch.hpp>

#include "portcheck/derive.hpp"
#include "portcheck/report.hpp"
#include "portcheck/rules.hpp"
#include "test_support.hpp"

namespace portcheck::test {
namespace {

Target policy_with_sets() {
  Target target = test_policy({"libc.so.6", "libz.so.1", "libatomic.so.1"});
  target.symbol_version_sets["x86_64"] = {
      {"GLIBC", {"2.2.5", "2.3", "2.17"}}, {"ZLIB", {"1.2.0"}}, {"LIBATOMIC", {}}};
  return target;
}

ElfFacts needing(std::vector<LibraryNeeds> needs) {
  ElfFacts elf;
  elf.machine = "x86_64";
  elf.type = FileType::shared_library;
  for (const auto& library : needs) elf.needed.push_back(library.library);
  elf.version_needs = std::move(needs);
  return elf;
}

std::vector<Finding> of_rule(const ElfFacts& elf, const Target& target, const std::string& rule) {
  std::vector<Finding> selected;
  for (auto& finding : evaluate(derive_facts("ext.so", elf), target, BaselineTable{})) {
    if (finding.rule == rule) selected.push_back(finding);
  }
  return selected;
}

const BaselineTable& bundled() {
  static const TableResult result = bundled_baselines();
  REQUIRE(result.table);
  return *result.table;
}

}  // namespace

TEST_CASE("policy-symbol-versions: a version the set lacks fails, below the maximum too",
          "[rules]") {
  ElfFacts elf = needing({{"libc.so.6", {{"GLIBC_2.3", 2}, {"GLIBC_2.4", 3}}},
                          {"libz.so.1", {{"ZLIB_1.2.0", 4}, {"ZLIB_1.2.9", 5}}},
                          {"libatomic.so.1", {{"LIBATOMIC_1.0", 6}}}});
  auto found = of_rule(elf, policy_with_sets(), "policy-symbol-versions");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::fail);
  CHECK(found[0].culprits == std::vector<std::string>{"GLIBC_2.4", "ZLIB_1.2.9", "LIBATOMIC_1.0"});
  CHECK(found[0].message.find("manylinux_x policy does not list for x86_64") != std::string::npos);
}

TEST_CASE("policy-symbol-versions: what the family rules refuse is said once, by them", "[rules]") {
  ElfFacts elf = needing({{"libc.so.6", {{"GLIBC_2.28", 2}, {"GLIBC_PRIVATE", 3}}}});
  Target policy = policy_with_sets();
  CHECK(of_rule(elf, policy, "policy-symbol-versions").empty());
  CHECK(of_rule(elf, policy, "glibc-version").size() == 1);
  CHECK(of_rule(elf, policy, "glibc-private").size() == 1);
}

TEST_CASE("policy-symbol-versions: the interpreter's versions and unlisted families are free",
          "[rules]") {
  ElfFacts elf = needing(
      {{"ld-linux-x86-64.so.2", {{"GLIBC_2.4", 2}}}, {"libssl.so.3", {{"OPENSSL_3.0.0", 3}}}});
  CHECK(of_rule(elf, policy_with_sets(), "policy-symbol-versions").empty());
}

TEST_CASE("policy-symbol-versions: weak version needs warn", "[rules]") {
  ElfFacts elf = needing({{"libz.so.1", {{"ZLIB_1.2.9", 2, true}}}});
  auto found = of_rule(elf, policy_with_sets(), "policy-symbol-versions");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::warn);
}

TEST_CASE("the bundled table has every PyPA policy, in auditwheel's order", "[baselines]") {
  std::vector<std::string> tags;
  for (const auto& target : bundled().targets) {
    if (!target.policy) continue;
    tags.push_back(target.policy->tag);
    CHECK(!target.policy->source.empty());
    CHECK(!target.symbol_version_sets.empty());
    CHECK(target.whitelist_only);
  }
  CHECK(tags.size() == 18);
  CHECK(tags.front() == "manylinux_2_5");
  CHECK(std::find(tags.begin(), tags.end(), "manylinux_2_31") != tags.end());
  CHECK(tags.back() == "musllinux_1_2");
}

TEST_CASE("best tag: the policy of highest priority passed, and the next one's blockers",
          "[report]") {
  const BaselineTable& table = bundled();
  std::vector<const Target*> none;
  FileReport file = report_file(facts_of("glibc-2.17"), none, table, Gate{});
  REQUIRE(file.policy_tag);
  CHECK(file.policy_tag->tag == "manylinux_2_17_x86_64");
  CHECK(file.policy_tag->target_id == "manylinux2014");
  REQUIRE(file.policy_tag->next);
  CHECK(file.policy_tag->next->tag == "manylinux_2_12_x86_64");
  REQUIRE(!file.policy_tag->next_blockers.empty());
  CHECK(file.policy_tag->next_blockers.front().rfind("glibc-version: ", 0) == 0);
  // A tag is computed whatever targets are selected; none was here.
  CHECK(file.targets.empty());
}

TEST_CASE("best tag: a file no policy allows is linux_, the newest policy's failures shown",
          "[report]") {
  FileReport file = report_file(facts_of("zlib-internals.so"), {}, bundled(), Gate{});
  REQUIRE(file.policy_tag);
  CHECK(file.policy_tag->tag == "linux_x86_64");
  REQUIRE(file.policy_tag->next);
  CHECK(file.policy_tag->next->target_id == "manylinux_2_41");
}

TEST_CASE("best tag: a suppressed refusal no longer holds the tag back", "[report]") {
  Gate gate;
  gate.suppressions = {{"glibc-version", "manylinux2010", "", "", "accepted"}};
  FileReport file = report_file(facts_of("glibc-2.17"), {}, bundled(), gate);
  REQUIRE(file.policy_tag);
  CHECK(file.policy_tag->tag == "manylinux_2_12_x86_64");
}

TEST_CASE("wheel-tag: a name claiming a policy a file fails is refused", "[report]") {
  const BaselineTable& table = bundled();
  FileReport file = report_file(facts_of("glibc-2.28"), {}, table, Gate{});
  std::vector<const FileReport*> files{&file};
  ReleaseReport named = report_release("demo-1.0-cp311-cp311-manylinux2014_x86_64.whl", files, {});
  CHECK(named.wheel);
  REQUIRE(named.wheel_tag_findings.size() == 1);
  CHECK(named.wheel_tag_findings[0].message.find(
            "best tag the wheel earns is manylinux_2_28_x86_64") != std::string::npos);
  CHECK(named.fails_gate);
  ReleaseReport fine = report_release("demo-1.0-cp311-cp311-manylinux_2_28_x86_64.whl", files, {});
  CHECK(fine.wheel_tag_findings.empty());
  CHECK_FALSE(fine.fails_gate);
  ReleaseReport other_arch =
      report_release("demo-1.0-cp311-cp311-manylinux_2_28_aarch64.whl", files, {});
  CHECK(other_arch.wheel_tag_findings.size() == 2);  // no aarch64 file; x86_64 not named
  ReleaseReport bad_name = report_release("demo.whl", files, {});
  REQUIRE(bad_name.wheel_tag_findings.size() == 1);
  CHECK(bad_name.wheel_tag_findings[0].severity == Severity::warn);
  Gate gate;
  gate.suppressions = {{"wheel-tag", "", "", "", "renamed on upload"}};
  CHECK_FALSE(
      report_release("demo-1.0-cp311-cp311-manylinux2014_x86_64.whl", files, {}, gate).fails_gate);
}

}  // namespace portcheck::test
