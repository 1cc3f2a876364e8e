// Support phases: the @supported rule per kind of phase, reading them, the table check, the list.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "portcheck/baseline.hpp"
#include "portcheck/render.hpp"

using namespace portcheck;

namespace {

const BaselineTable& bundled() {
  static const TableResult result = bundled_baselines();
  if (!result.table) FAIL(result.error);
  return *result.table;
}

const Target& bundled_target(const std::string& id) {
  const Target* target = find_target(bundled(), id);
  if (!target) FAIL("no target " << id);
  return *target;
}

SupportPhase phase(const char* name, std::optional<std::string> until, bool paid = false) {
  return {name, std::move(until), paid, "x"};
}

// Debian's shape: regular support, free LTS, paid ELTS.
Target debian_like() {
  Target target;
  target.id = "demo-1";
  target.released = "2023-06-10";
  target.end_of_support = "2026-06-10";
  target.support = {phase("standard", "2026-06-10"), phase("lts", "2028-06-30"),
                    phase("els", "2033-06-30", true)};
  return target;
}

std::string phase_on(const Target& target, const std::string& date) {
  auto running = current_phase(target, date);
  return running ? running->phase : "none";
}

const char* kMinimalTarget = R"({
  "id": "demo-1", "name": "Demo 1", "family": "demo", "kind": "distro",
  "released": "2020-01-01", "end_of_support": "2025-01-01", "dates_source": "x",
  "support": [
    {"phase": "standard", "until": "2023-01-01", "paid": false, "source": "s1"},
    {"phase": "maintenance", "until": "2025-01-01", "paid": false, "source": "s2"},
    {"phase": "els", "until": null, "paid": true, "source": "s3"}],
  "architectures": ["x86_64"],
  "libc": {"flavour": "glibc", "version": "2.31", "source": "x"},
  "symbol_versions": {"x86_64": {"GLIBC": "2.31"}, "source": "x"},
  "kernel": {"version": "5.4", "source": "x"},
  "x86_64_isa": {"level": "x86-64", "source": "x"},
  "openssl": {"default": [], "installable": [], "source": "x"},
  "ca": {"files": [], "dirs": [], "source": "x"},
  "interpreters": {"x86_64": "/lib64/ld-linux-x86-64.so.2", "source": "x"},
  "libraries": {"default": ["libc.so.6"], "default_source": "x", "installable": [], "absent": []}
})";

std::string table_with(const std::string& target) {
  return R"({"schema_version": 1, "table_date": "2024-06-01", "targets": [)" + target + "]}";
}

std::vector<std::string> problems_of(const Target& target) {
  BaselineTable table{"2026-11-25", {target}, {}};
  return check_baselines(table);
}

}  // namespace

TEST_CASE("supported: a standard, maintenance or lts phase runs; paid ones do not count",
          "[baselines]") {
  Target target = debian_like();
  CHECK(phase_on(target, "2024-01-01") == "standard");
  CHECK(is_supported(target, "2024-01-01"));
  CHECK(phase_on(target, "2026-06-10") == "standard");  // the last day is still in the phase
  CHECK(phase_on(target, "2026-06-11") == "lts");
  CHECK(is_supported(target, "2026-11-25"));
  CHECK(phase_on(target, "2028-07-01") == "els");
  CHECK(current_phase(target, "2028-07-01")->paid);
  CHECK_FALSE(is_supported(target, "2028-07-01"));
  CHECK(phase_on(target, "2033-07-01") == "none");
  CHECK_FALSE(is_supported(target, "2033-07-01"));

  // RHEL's maintenance phase is the vendor's normal terms; Ubuntu's ESM and SUSE's LTSS are not.
  target.support = {phase("standard", "2024-05-31"), phase("maintenance", "2029-05-31"),
                    phase("els", "2032-05-31", true)};
  CHECK(is_supported(target, "2026-11-25"));
  target.support = {phase("standard", "2025-05-29"), phase("esm", "2030-04-02", true)};
  CHECK_FALSE(is_supported(target, "2026-11-25"));
  CHECK(phase_on(target, "2026-11-25") == "esm");
  target.support = {phase("standard", "2024-10-31"), phase("ltss", "2027-10-31", true)};
  CHECK_FALSE(is_supported(target, "2026-11-25"));
  target.support = {phase("standard", std::nullopt)};  // rolling
  CHECK(is_supported(target, "2099-01-01"));
}

TEST_CASE("a target without phases is one standard phase to its end_of_support", "[baselines]") {
  Target target = debian_like();
  target.support.clear();
  target.dates_source = "dates";
  auto phases = support_phases(target);
  REQUIRE(phases.size() == 1);
  CHECK(phases[0].phase == "standard");
  CHECK(phases[0].until == "2026-06-10");
  CHECK_FALSE(phases[0].paid);
  CHECK(phases[0].source == "dates");
  CHECK(is_supported(target, "2026-06-10"));
  CHECK_FALSE(is_supported(target, "2026-06-11"));
  target.end_of_support.reset();
  CHECK(phase_on(target, "2099-01-01") == "standard");
}

TEST_CASE("the bundled table: every target has phases; Debian LTS counts, ESM does not",
          "[baselines]") {
  const std::string& date = bundled().table_date;
  for (const auto& target : bundled().targets) {
    INFO(target.id);
    CHECK_FALSE(target.support.empty());
  }
  CHECK(phase_on(bundled_target("debian-12"), date) == "lts");
  CHECK(is_supported(bundled_target("debian-12"), date));
  CHECK(phase_on(bundled_target("debian-11"), date) == "els");  // its LTS ended 2026-08-31
  CHECK_FALSE(is_supported(bundled_target("debian-11"), date));
  CHECK(phase_on(bundled_target("rhel-8"), date) == "maintenance");
  CHECK(is_supported(bundled_target("rhel-8"), date));
  CHECK(phase_on(bundled_target("ubuntu-20.04"), date) == "esm");
  CHECK_FALSE(is_supported(bundled_target("ubuntu-20.04"), date));
  CHECK(phase_on(bundled_target("sles-12"), date) == "ltss");
  CHECK_FALSE(is_supported(bundled_target("sles-12"), date));
  CHECK(phase_on(bundled_target("centos-7"), date) == "none");
  CHECK(phase_on(bundled_target("arch"), date) == "standard");
  CHECK(is_supported(bundled_target("musllinux_1_2"), date));
}

TEST_CASE("support is read in order; a table without it still loads", "[baselines]") {
  TableResult parsed = parse_baselines(table_with(kMinimalTarget), "t");
  REQUIRE(parsed.table);
  const Target& target = parsed.table->targets.at(0);
  REQUIRE(target.support.size() == 3);
  CHECK(target.support[1].phase == "maintenance");
  CHECK(target.support[1].until == "2025-01-01");
  CHECK_FALSE(target.support[1].paid);
  CHECK(target.support[1].source == "s2");
  CHECK_FALSE(target.support[2].until);
  CHECK(target.support[2].paid);
  CHECK(check_baselines(*parsed.table).empty());

  std::string older = kMinimalTarget;
  auto begin = older.find(R"(  "support")");
  older.erase(begin, older.find(R"(  "architectures")") - begin);
  TableResult old = parse_baselines(table_with(older), "t");
  REQUIRE(old.table);
  CHECK(old.table->targets.at(0).support.empty());
  CHECK(check_baselines(*old.table).empty());

  auto error_of = [](std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    TableResult result = parse_baselines(table_with(text), "t");
    CHECK_FALSE(result.table);
    return result.error;
  };
  CHECK(error_of(kMinimalTarget, R"("paid": false, "source": "s2")",
                 R"("paid": "no", "source": "s2")") ==
        "t: target \"demo-1\": support[1].paid must be true or false, not a string");
  CHECK(error_of(kMinimalTarget, R"("until": "2025-01-01")", R"("until": 2025)") ==
        "t: target \"demo-1\": support[1].until must be a string, not a number");
  CHECK(error_of(kMinimalTarget, R"("source": "s1")", R"("sauce": "s1")") ==
        "t: target \"demo-1\": support[0].source is missing");
  CHECK(error_of(older, R"("dates_source": "x",)", R"("dates_source": "x", "support": "none",)") ==
        "t: target \"demo-1\": support must be an array, not a string");
}

TEST_CASE("the check refuses phases out of the vocabulary, out of order or unsourced",
          "[baselines]") {
  auto problems_with = [](std::vector<SupportPhase> phases,
                          std::optional<std::string> end = "2026-06-10") {
    Target target = debian_like();
    target.name = target.family = target.kind = "distro";
    target.libc_flavour = "glibc";
    target.libc_version = target.kernel = "2.36";
    target.x86_64_isa = "x86-64";
    target.end_of_support = std::move(end);
    target.support = std::move(phases);
    std::vector<std::string> found;
    for (const auto& problem : problems_of(target)) {
      bool ours = problem.find("support[") != std::string::npos ||
                  problem.find("end_of_support must") != std::string::npos;
      if (ours) found.push_back(problem);
    }
    return found;
  };
  using Problems = std::vector<std::string>;
  CHECK(problems_with(debian_like().support).empty());
  CHECK(problems_with({phase("standard", "2026-06-10"), phase("extended", "2028-06-30")}) ==
        Problems{"demo-1: support[1]: unknown phase \"extended\" (standard, maintenance, lts, "
                 "esm, ltss or els)"});
  CHECK(problems_with({phase("standard", "2026-06-10"), phase("esm", "2030-01-01", false)}) ==
        Problems{"demo-1: support[1]: esm is a paid phase"});
  CHECK(problems_with({phase("standard", "2026-06-10"), phase("lts", "2028-06-30", true)}) ==
        Problems{"demo-1: support[1]: lts is not a paid phase"});
  CHECK(problems_with({phase("lts", "2026-06-10")}) ==
        Problems{"demo-1: support[0]: the first phase must be standard"});
  CHECK(problems_with({phase("standard", "2024-01-01"), phase("lts", "2026-01-01"),
                       phase("maintenance", "2026-06-10")}) ==
        Problems{"demo-1: support[2]: maintenance cannot follow lts"});
  CHECK(problems_with({phase("standard", "2026-06-10"), phase("lts", "2026-06-10")}) ==
        Problems{"demo-1: support[1] does not end after the phase before it"});
  CHECK(problems_with({phase("standard", "2020-01-01")}, "2020-01-01") ==
        Problems{"demo-1: support[0] does not end after the release"});
  CHECK(problems_with({phase("standard", std::nullopt), phase("els", "2030-01-01", true)},
                      std::nullopt) ==
        Problems{"demo-1: support[1] follows a rolling phase (until null)"});
  CHECK(problems_with({phase("standard", "2026-6-10")}, "2026-6-10") ==
        Problems{"demo-1: support[0].until is not an ISO date"});
  std::vector<SupportPhase> unsourced = debian_like().support;
  unsourced[1].source.clear();
  CHECK(problems_with(unsourced) == Problems{"demo-1: support[1] has no source"});
  CHECK(problems_with(debian_like().support, "2028-06-30") ==
        Problems{"demo-1: end_of_support must be the end of the last standard or maintenance "
                 "phase (2026-06-10)"});
}

TEST_CASE("--list-targets shows the phase on the table date and gives the phases back",
          "[baselines]") {
  TableResult parsed = parse_baselines(table_with(kMinimalTarget), "t");
  REQUIRE(parsed.table);
  BaselineTable table = *parsed.table;  // table date 2024-06-01: in maintenance
  std::string text = render_targets_text(table);
  CHECK(text.find("support phase") != std::string::npos);
  CHECK(text.find("yes        maintenance until 2025-01-01\n") != std::string::npos);
  table.table_date = "2026-01-01";
  CHECK(render_targets_text(table).find("no         els (paid), rolling\n") != std::string::npos);
  table.targets[0].support.pop_back();
  CHECK(render_targets_text(table).find("no         ended 2025-01-01\n") != std::string::npos);

  auto json = nlohmann::json::parse(render_targets_json(*parsed.table));
  const auto& target = json["targets"][0];
  CHECK(target["current_phase"] == "maintenance");
  CHECK(target["supported"] == true);
  CHECK(target["support"] == nlohmann::json::parse(kMinimalTarget)["support"]);
  // The list fed back is the same table.
  TableResult again = parse_baselines(render_targets_json(*parsed.table), "list");
  REQUIRE(again.table);
  CHECK(render_targets_json(*again.table) == render_targets_json(*parsed.table));

  // A table of the older layout gets no made-up `support`, only the phase its date implies.
  Target older = parsed.table->targets[0];
  older.support.clear();
  older.end_of_support.reset();
  auto listed = nlohmann::json::parse(render_targets_json({"2024-06-01", {older}, {}}));
  CHECK_FALSE(listed["targets"][0].contains("support"));
  CHECK(listed["targets"][0]["current_phase"] == "standard");
  CHECK(render_targets_text({"2024-06-01", {older}, {}}).find("standard, rolling") !=
        std::string::npos);

  auto bundled_json = nlohmann::json::parse(render_targets_json(bundled()));
  for (const auto& listed_target : bundled_json["targets"]) {
    if (listed_target["id"] != "debian-12") continue;
    CHECK(listed_target["current_phase"] == "lts");
    CHECK(listed_target["supported"] == true);
    CHECK(listed_target["support"].size() == 3);
  }
  CHECK(render_targets_text(bundled()).find("lts until 2028-06-30") != std::string::npos);
}
