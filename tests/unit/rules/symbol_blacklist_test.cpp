// symbol-blacklist: a policy's blacklist applied as auditwheel applies it, on facts built by hand
// and on the zlib-internals.so fixture against the bundled table.
#include <catch2/catch.hpp>

#include "portcheck/derive.hpp"
#include "portcheck/rules.hpp"
#include "test_support.hpp"

namespace portcheck::test {
namespace {

Target policy_with_blacklist() {
  Target target = test_policy({"libc.so.6", "libz.so.1", "libm.so.6"});
  target.symbol_blacklist = {{"libz.so.1", {"inflate_fast", "zcalloc", "zcfree"}},
                             {"libm.so.6", {"__issignaling"}},
                             {"libfoo.so.1", {"*"}}};
  return target;
}

ElfFacts extension(std::vector<std::string> needed) {
  ElfFacts elf;
  elf.machine = "x86_64";
  elf.type = FileType::shared_library;
  elf.needed = std::move(needed);
  return elf;
}

std::vector<Finding> blacklist_findings(const ElfFacts& elf, const Target& target) {
  std::vector<Finding> selected;
  for (auto& finding : evaluate(derive_facts("ext.so", elf), target, BaselineTable{})) {
    if (finding.rule == "symbol-blacklist") selected.push_back(finding);
  }
  return selected;
}

}  // namespace

TEST_CASE("symbol-blacklist: strong imports of listed names from a needed library fail",
          "[rules]") {
  Target policy = policy_with_blacklist();
  ElfFacts elf = extension({"libz.so.1", "libc.so.6"});
  elf.unversioned_imports = {"zcfree", "inflate", "zcalloc", "inflate_fast"};
  elf.weak_unversioned_imports = {"inflate_fast"};  // optional at run time: not counted
  auto found = blacklist_findings(elf, policy);
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::fail);
  CHECK(found[0].culprits == std::vector<std::string>{"zcalloc", "zcfree"});
  CHECK(found[0].message ==
        "imports zcalloc, zcfree, which the manylinux_x policy blacklists for libz.so.1 (not every "
        "system's libz.so.1 exports them)");
  CHECK(found[0].hint.find("auditwheel repair") != std::string::npos);
}

TEST_CASE(
    "symbol-blacklist: the name counts, not the library it binds to; weak and copied do "
    "not",
    "[rules]") {
  Target policy = policy_with_blacklist();
  ElfFacts elf = extension({"libm.so.6", "libc.so.6"});
  // auditwheel matches names among all undefined symbols, whichever library defines them.
  elf.imports = {{"__issignaling", "GLIBC_2.18", "libc.so.6", false}};
  REQUIRE(blacklist_findings(elf, policy).size() == 1);
  elf.imports = {{"__issignaling", "GLIBC_2.18", "libc.so.6", true}};  // weak
  CHECK(blacklist_findings(elf, policy).empty());
  elf.imports = {{"__issignaling", "GLIBC_2.18", "libc.so.6", false, true}};  // copy relocation
  CHECK(blacklist_findings(elf, policy).empty());
}

TEST_CASE(
    "symbol-blacklist: only libraries the file needs, `*` refuses the library, distros "
    "have no blacklist",
    "[rules]") {
  Target policy = policy_with_blacklist();
  ElfFacts elf = extension({"libc.so.6"});
  elf.unversioned_imports = {"zcalloc"};  // libz.so.1 is not NEEDED: the name alone is no hit
  CHECK(blacklist_findings(elf, policy).empty());
  elf.needed = {"libfoo.so.1", "libc.so.6"};
  auto whole = blacklist_findings(elf, policy);
  REQUIRE(whole.size() == 1);
  CHECK(whole[0].culprits == std::vector<std::string>{"libfoo.so.1"});
  CHECK(whole[0].message.find("does not allow at all") != std::string::npos);
  elf.needed = {"libz.so.1", "libz.so.1", "libc.so.6"};  // named twice: one finding
  CHECK(blacklist_findings(elf, policy).size() == 1);
  policy.symbol_blacklist.clear();
  CHECK(blacklist_findings(elf, policy).empty());
}

// The fixture needs libz.so.1 alone (it calls nothing of libc), so musllinux judges it too.
TEST_CASE("symbol-blacklist: zlib-internals.so fails every PyPA policy and passes debian-12",
          "[rules]") {
  static const TableResult result = bundled_baselines();
  REQUIRE(result.table);
  Facts facts = facts_of("zlib-internals.so");
  CHECK(facts.elf.weak_unversioned_imports == std::vector<std::string>{"inflate_fast"});
  for (const char* id : {"manylinux2014", "manylinux_2_28", "manylinux_2_34", "musllinux_1_2"}) {
    const Target* target = find_target(*result.table, id);
    REQUIRE(target);
    INFO(id);
    CHECK(!target->symbol_blacklist_source.empty());
    auto findings = evaluate(facts, *target, *result.table);
    auto hit = std::find_if(findings.begin(), findings.end(),
                            [](const Finding& f) { return f.rule == "symbol-blacklist"; });
    REQUIRE(hit != findings.end());
    CHECK(hit->culprits == std::vector<std::string>{"zcalloc", "zcfree"});
  }
  auto debian = evaluate(facts, *find_target(*result.table, "debian-12"), *result.table);
  CHECK(std::none_of(debian.begin(), debian.end(),
                     [](const Finding& f) { return f.rule == "symbol-blacklist"; }));
}

}  // namespace portcheck::test
