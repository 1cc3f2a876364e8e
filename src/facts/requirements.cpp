// From the version needs as recorded to what a user needs to know: the highest version of each
// family, the versions that are not numbers, and the symbols that pull each version in.
#include <algorithm>
#include <utility>
#include <vector>

#include "portcheck/derive.hpp"

namespace portcheck {
namespace {

void note_version(Requirements& requirements, const std::string& name) {
  SymbolVersion version = parse_symbol_version(name);
  if (!version.numbered()) {
    auto& special = requirements.special;
    if (std::find(special.begin(), special.end(), name) == special.end()) special.push_back(name);
    return;
  }
  auto found = requirements.max.find(version.family);
  if (found == requirements.max.end() ||
      compare_numbers(found->second.numbers, version.numbers) < 0) {
    requirements.max[version.family] = version;
  }
}

// An import with its version parsed once, not at every comparison of the sort.
using Keyed = std::pair<SymbolVersion, const ImportedSymbol*>;

// Newest first within a family, so the culprits a user must act on come first.
bool culprit_order(const Keyed& a, const Keyed& b) {
  const auto& [va, sa] = a;
  const auto& [vb, sb] = b;
  if (va.family != vb.family) return va.family < vb.family;
  int order = compare_numbers(va.numbers, vb.numbers);
  if (order != 0) return order > 0;
  if (sa->library != sb->library) return sa->library < sb->library;
  return sa->name < sb->name;
}

}  // namespace

Requirements summarize_requirements(const ElfFacts& elf) {
  Requirements requirements;
  for (const auto& library : elf.version_needs) {
    for (const auto& need : library.versions) note_version(requirements, need.name);
  }
  std::sort(requirements.special.begin(), requirements.special.end());
  std::vector<Keyed> keyed;
  keyed.reserve(elf.imports.size());
  for (const auto& import : elf.imports) {
    keyed.emplace_back(parse_symbol_version(import.version), &import);
  }
  std::stable_sort(keyed.begin(), keyed.end(), culprit_order);
  requirements.culprits.reserve(keyed.size());
  for (const auto& [version, import] : keyed) requirements.culprits.push_back(*import);
  return requirements;
}

Facts derive_facts(std::string path, ElfFacts elf) {
  Facts facts;
  facts.path = std::move(path);
  facts.libc = detect_libc(elf);
  facts.requirements = summarize_requirements(elf);
  facts.tls = detect_tls(elf);
  facts.elf = std::move(elf);
  return facts;
}

}  // namespace portcheck
