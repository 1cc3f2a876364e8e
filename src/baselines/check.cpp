// The table self-check: run on the bundled table by the tests and on --baselines files at start.
#include <algorithm>
#include <regex>
#include <set>

#include "portcheck/baseline.hpp"
#include "portcheck/json_file.hpp"
#include "portcheck/symbol_version.hpp"

namespace portcheck {
namespace {

bool is_iso_date(const std::string& text) {
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  return std::regex_match(text, date);
}

void require(std::vector<std::string>& problems, bool ok, const Target& target,
             const std::string& what) {
  if (!ok) problems.push_back(target.id + ": " + what);
}

// The pattern of docs/baselines.schema.json, [a-z0-9][a-z0-9._-]*: ids go into -t lists,
// groups and file names. Read without a regex, which recurses once per character.
bool valid_id(const std::string& id) {
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (id.empty() || !lower_or_digit(id[0])) return false;
  return std::all_of(id.begin(), id.end(),
                     [&](char c) { return lower_or_digit(c) || c == '.' || c == '_' || c == '-'; });
}

void check_inventory(const Target& t, std::vector<std::string>& problems);

// The PyPA facts: a tag to print, a priority to order by, and each list with its source.
void check_policy(const Target& t, std::vector<std::string>& problems) {
  require(problems, !t.policy || t.kind == "policy", t, "only a policy has a policy tag");
  if (t.policy) {
    require(problems, valid_id(t.policy->tag) && !t.policy->source.empty(), t,
            "policy needs a tag of the id's characters and a source");
    // Each alias is copied into every file's standings: a handful, not a list to grow.
    require(problems, t.policy->aliases.size() <= 8, t, "policy has more than 8 aliases");
    for (const auto& alias : t.policy->aliases) {
      require(problems, valid_id(alias), t,
              "policy alias " + json_quoted(alias) + " is not of the id's characters");
    }
  }
  require(problems, t.symbol_blacklist.empty() || !t.symbol_blacklist_source.empty(), t,
          "symbol_blacklist has no source");
  bool sets = !t.symbol_version_sets.empty() || !t.symbol_version_sets_source.empty();
  require(problems, !sets || t.kind == "policy", t, "only a policy has symbol_version_sets");
  require(problems,
          !sets || (!t.symbol_version_sets.empty() && !t.symbol_version_sets_source.empty()), t,
          "symbol_version_sets needs an architecture and a source");
  for (const auto& [arch, families] : t.symbol_version_sets) {
    require(problems, t.symbol_versions.count(arch) == 1, t,
            "symbol_version_sets has " + json_quoted(arch) + ", symbol_versions not");
    for (const auto& [family, versions] : families) {
      bool named = !family.empty() && std::none_of(versions.begin(), versions.end(),
                                                   [](const std::string& v) { return v.empty(); });
      require(problems, named, t,
              "symbol_version_sets." + arch + " has an empty family or version");
    }
  }
}

// A name -t takes means one target: ids, policy tags and aliases are all distinct.
void check_names(const BaselineTable& table, std::vector<std::string>& problems) {
  std::set<std::string> ids, names;
  for (const auto& target : table.targets) ids.insert(target.id);
  for (const auto& target : table.targets) {
    if (!target.policy) continue;
    std::set<std::string> own{target.policy->tag};
    own.insert(target.policy->aliases.begin(), target.policy->aliases.end());
    own.erase(target.id);  // a policy whose id is its tag or alias names itself
    for (const auto& name : own) {
      if (ids.count(name) || !names.insert(name).second) {
        problems.push_back(target.id + ": policy name " + json_quoted(name) +
                           " is another target's id, tag or alias");
      }
    }
  }
}

// Phases of the vocabulary, in its order, each ending after the one before; the regular ones
// end where end_of_support says. The @supported rule (support.cpp) relies on all of it.
void check_support(const Target& t, std::vector<std::string>& problems) {
  if (t.support.empty()) return;  // the older layout: end_of_support alone
  const auto& kinds = phase_kinds();
  size_t last_rank = 0;
  bool regular = false;
  std::optional<std::string> regular_end;
  for (size_t i = 0; i < t.support.size(); ++i) {
    const SupportPhase& phase = t.support[i];
    std::string where = "support[" + std::to_string(i) + "]";
    const PhaseKind* kind = find_phase_kind(phase.phase);
    size_t rank = kind ? static_cast<size_t>(kind - kinds.data()) : 0;
    if (!kind) {
      problems.push_back(t.id + ": " + where + ": unknown phase " + json_quoted(phase.phase) +
                         " (standard, maintenance, lts, esm, ltss or els)");
    } else {
      require(
          problems, phase.paid == kind->paid, t,
          where + ": " + kind->name + " is " + (kind->paid ? "a paid" : "not a paid") + " phase");
      require(problems, i > 0 || rank == 0, t, where + ": the first phase must be standard");
      require(problems, i == 0 || rank > last_rank, t,
              where + ": " + kind->name + " cannot follow " + kinds[last_rank].name);
      if (kind->regular) {
        regular = true;
        regular_end = phase.until;
      }
      last_rank = rank;
    }
    require(problems, !phase.source.empty(), t, where + " has no source");
    require(problems, !phase.until || is_iso_date(*phase.until), t,
            where + ".until is not an ISO date");
    const SupportPhase* before = i > 0 ? &t.support[i - 1] : nullptr;
    require(problems, !before || before->until.has_value(), t,
            where + " follows a rolling phase (until null)");
    if (phase.until) {
      const std::string& start = before && before->until ? *before->until : t.released;
      require(problems, *phase.until > start, t,
              where + " does not end after " + (before ? "the phase before it" : "the release"));
    }
  }
  require(problems, !regular || regular_end == t.end_of_support, t,
          "end_of_support must be the end of the last standard or maintenance phase (" +
              regular_end.value_or("rolling") + ")");
}

void check_target(const Target& t, std::vector<std::string>& problems) {
  if (!valid_id(t.id)) {
    problems.push_back("target id " + json_quoted(t.id) +
                       " is not of lower-case letters, digits, '.', '_' and '-'");
    return;
  }
  require(problems, !t.name.empty() && !t.family.empty(), t, "name and family are required");
  require(problems, t.kind == "distro" || t.kind == "policy", t, "kind must be distro or policy");
  require(problems, is_iso_date(t.released), t, "released is not an ISO date");
  require(problems, !t.end_of_support || is_iso_date(*t.end_of_support), t,
          "end_of_support is not an ISO date");
  check_support(t, problems);
  require(problems, !t.architectures.empty(), t, "no architectures");
  require(problems, t.libc_flavour == "glibc" || t.libc_flavour == "musl", t,
          "libc flavour must be glibc or musl");
  require(problems, parse_dotted(t.libc_version).has_value(), t, "libc version is not x.y[.z]");
  bool policy = t.kind == "policy";
  require(problems, parse_dotted(t.kernel).has_value() || (policy && t.kernel.empty()), t,
          "kernel version is not x.y");
  require(problems,
          t.x86_64_isa == "x86-64" || t.x86_64_isa == "x86-64-v2" || t.x86_64_isa == "x86-64-v3" ||
              t.x86_64_isa == "x86-64-v4",
          t, "x86_64_isa level unknown");
  for (const auto& arch : t.architectures) {
    require(problems, t.symbol_versions.count(arch) == 1, t,
            "no symbol versions for " + json_quoted(arch));
    require(problems, t.interpreters.count(arch) == 1, t,
            "no interpreter for " + json_quoted(arch));
  }
  bool glibc = t.libc_flavour == "glibc";
  for (const auto& [arch, maxima] : t.symbol_versions) {
    require(problems, !glibc || maxima.count("GLIBC") == 1, t,
            json_quoted(arch) + " has no GLIBC maximum");
  }
  for (const std::string* source :
       {&t.dates_source, &t.libc_source, &t.symbol_versions_source, &t.kernel_source,
        &t.x86_64_isa_source, &t.openssl_source, &t.ca_source, &t.interpreters_source,
        &t.default_libraries_source}) {
    require(problems, !source->empty(), t, "a fact has no source");
  }
  for (const auto& offer : t.installable) {
    require(problems, !offer.package.empty() && !offer.source.empty(), t,
            json_quoted(offer.soname) + " (installable) needs a package and a source");
  }
  for (const auto& absent : t.absent) {
    require(problems, !absent.source.empty(), t,
            json_quoted(absent.soname) + " (absent) has no source");
  }
  check_inventory(t, problems);
  check_policy(t, problems);
}

// Families whose every distribution release must say how its list of libraries was made.
bool needs_inventory(const Target& t) {
  static const std::set<std::string> families{"debian", "ubuntu", "rhel", "amazonlinux", "alpine"};
  return t.kind == "distro" && families.count(t.family) == 1;
}

void check_inventory(const Target& t, std::vector<std::string>& problems) {
  const Inventory& inventory = t.inventory;
  if (inventory.coverage.empty()) {
    require(problems, !needs_inventory(t), t, "libraries.inventory is required for this family");
  } else {
    static const std::set<std::string> coverages{"complete", "package-list", "partial"};
    require(problems, coverages.count(inventory.coverage) == 1, t,
            "libraries.inventory.coverage must be complete, package-list or partial");
    require(problems, !inventory.method.empty() && !inventory.source.empty(), t,
            "libraries.inventory needs a method and a source");
  }
  for (const auto& [soname, detail] : t.library_details) {
    require(problems, !detail.source.empty() || !t.library_details_source.empty(), t,
            json_quoted(soname) + " (details) has no source");
  }
  require(problems, !t.archive || !t.archive.source.empty(), t, "libraries.archive has no source");
  require(problems, !t.package_names || !t.package_names.source.empty(), t,
          "libraries.package_names has no source");
}

}  // namespace

std::vector<std::string> check_baselines(const BaselineTable& table) {
  std::vector<std::string> problems;
  std::set<std::string> ids;
  if (!is_iso_date(table.table_date)) problems.push_back("table_date is not an ISO date");
  // A table of no targets passes every file: only a replacing table can be one.
  if (table.targets.empty()) problems.push_back("the table has no targets");
  for (const auto& target : table.targets) {
    if (!ids.insert(target.id).second) problems.push_back(target.id + ": duplicate id");
    check_target(target, problems);
  }
  check_names(table, problems);
  for (const auto& line : table.openssl_lines) {
    if (!is_iso_date(line.end_of_support) || line.source.empty() || line.line.empty()) {
      problems.push_back("openssl_lines: every line needs a version, an ISO date and a source");
    }
  }
  return problems;
}

}  // namespace portcheck
