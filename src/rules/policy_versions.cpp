// A policy's symbol version sets, applied as auditwheel applies them: a version a file needs is
// allowed when the policy lists it for its family (the name up to the first '_') on the file's
// architecture, not because its number is low enough. What the numbers already refuse is left
// to the family rules (glibc-version, libstdcxx-version, libgcc-version, glibc-private), so each
// refusal is said once; this rule speaks of the rest: a family the family rules do not know
// (ZLIB, LIBATOMIC), and a version below the highest that the policy still does not list.
#include <fmt/format.h>

#include <algorithm>

#include "support.hpp"

namespace portcheck::rules {
namespace {

// A need the family rules of symbol_versions.cpp refuse on this target already.
bool refused_elsewhere(const Facts& facts, const Target& target, const std::string& name) {
  if (name == "GLIBC_PRIVATE") return true;
  SymbolVersion version = parse_symbol_version(name);
  if (version.family == "GLIBC" && !version.numbered() && name != "GLIBC_ABI_DT_RELR") return true;
  static const std::vector<std::string> families{"GLIBC", "GLIBCXX", "CXXABI", "GCC"};
  if (!contains(families, version.family)) return false;
  std::vector<int> numbers = name == "GLIBC_ABI_DT_RELR" ? kRelrGlibc : version.numbers;
  auto limit = target_max(facts, target, version.family);
  return limit && !numbers.empty() && compare_numbers(numbers, *limit) > 0;
}

struct Unlisted {
  std::vector<std::string> versions;
  bool all_weak = true;
};

Unlisted unlisted_versions(const Facts& facts, const Target& target,
                           const std::map<std::string, std::vector<std::string>>& sets) {
  Unlisted found;
  for (const auto& library : facts.elf.version_needs) {
    // auditwheel leaves the program interpreter's own versions out.
    if (is_glibc_loader(library.library)) continue;
    for (const auto& need : library.versions) {
      size_t cut = need.name.find('_');
      auto set = sets.find(need.name.substr(0, cut));
      if (set == sets.end()) continue;
      std::string number = cut == std::string::npos ? "" : need.name.substr(cut + 1);
      if (contains(set->second, number) || refused_elsewhere(facts, target, need.name)) continue;
      if (contains(found.versions, need.name)) continue;
      found.versions.push_back(need.name);
      found.all_weak &= need.weak;
    }
  }
  return found;
}

void check_policy_versions(const Facts& facts, const Target& target, const BaselineTable&,
                           std::vector<Finding>& out) {
  if (target.symbol_version_sets.empty() || wrong_libc(facts, target)) return;
  std::string arch = distro_architecture(facts.elf.machine);
  auto sets = target.symbol_version_sets.find(arch);
  if (sets == target.symbol_version_sets.end()) return;  // the architecture rule's case
  Unlisted unlisted = unlisted_versions(facts, target, sets->second);
  if (unlisted.versions.empty()) return;
  std::vector<std::string> symbols;
  for (const auto& version : unlisted.versions) {
    auto bound = symbols_bound_to(facts, version);
    symbols.insert(symbols.end(), bound.begin(), bound.end());
  }
  Finding finding;
  finding.rule = "policy-symbol-versions";
  // As for the family rules: a weak version need makes the loader warn, not stop.
  finding.severity = unlisted.all_weak ? Severity::warn : Severity::fail;
  finding.message =
      fmt::format("needs {}, which the {} policy does not list for {}: {}",
                  short_list(unlisted.versions), target.id, arch, short_list(symbols));
  finding.hint =
      "build against the libraries of the policy's reference image, or bundle the library "
      "under a soname of its own (auditwheel repair does this for wheels)";
  finding.culprits = std::move(symbols);
  out.push_back(std::move(finding));
}

}  // namespace

extern const Rule kPolicyVersionsRule{
    "policy-symbol-versions",
    "policies: symbol versions the policy does not list, though not newer than its highest",
    check_policy_versions};

}  // namespace portcheck::rules
