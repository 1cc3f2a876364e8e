// Rules on symbol versions: glibc (GLIBC_), libstdc++ (GLIBCXX_, CXXABI_), libgcc_s (GCC_), and
// GLIBC_PRIVATE. The loader refuses to start a program that needs a version the target's library
// does not define ("version `GLIBC_2.34' not found"), so each is a failure.
#include <fmt/format.h>

#include <algorithm>

#include "support.hpp"

namespace portcheck::rules {
namespace {

struct TooNew {
  std::vector<int> newest;            // the highest of them, as numbers
  std::vector<std::string> versions;  // needed versions above the target's
  std::vector<std::string> symbols;   // "symbol@VERSION" bound to them
  bool all_weak = true;
};

// glibc's loader (elf/dl-version.c) forgives a missing version only when the need carries
// VER_FLG_WEAK; weak symbol references do not help, the version check comes first.
bool optional_need(const VersionNeed& need) { return need.weak; }

TooNew versions_above(const Facts& facts, const std::string& family,
                      const std::vector<int>& limit) {
  TooNew found;
  for (const auto& library : facts.elf.version_needs) {
    for (const auto& need : library.versions) {
      SymbolVersion version = parse_symbol_version(need.name);
      bool relr = family == "GLIBC" && need.name == "GLIBC_ABI_DT_RELR";
      std::vector<int> numbers = relr ? kRelrGlibc : version.numbers;
      if (version.family != family || numbers.empty()) continue;
      if (compare_numbers(numbers, limit) <= 0) continue;
      found.versions.push_back(need.name);
      found.all_weak &= optional_need(need);
      if (compare_numbers(numbers, found.newest) > 0) found.newest = numbers;
    }
  }
  // Culprits are sorted newest first, so the symbols to act on lead the list.
  for (const auto& symbol : facts.requirements.culprits) {
    const auto& versions = found.versions;
    if (std::find(versions.begin(), versions.end(), symbol.version) != versions.end()) {
      found.symbols.push_back(symbol.name + "@" + symbol.version);
    }
  }
  for (const auto& version : found.versions) {
    bool bound = std::any_of(found.symbols.begin(), found.symbols.end(), [&](const std::string& s) {
      return s.size() > version.size() &&
             s.compare(s.size() - version.size(), version.size(), version) == 0;
    });
    if (!bound) found.symbols.push_back(version);
  }
  return found;
}

void check_family(const Facts& facts, const Target& target, const std::string& family,
                  const char* rule, const std::string& hint, std::vector<Finding>& out) {
  auto limit = target_max(facts, target, family);
  if (!limit || in_own_image(facts, target)) return;
  TooNew too_new = versions_above(facts, family, *limit);
  if (too_new.versions.empty()) return;
  std::string needed = dotted(too_new.newest);
  Finding finding;
  finding.rule = rule;
  // A weak version need makes the loader warn, not stop; the symbols still may be missing.
  finding.severity = too_new.all_weak ? Severity::warn : Severity::fail;
  std::string has = family == "GLIBC" ? glibc_release(facts, target) : dotted(*limit);
  finding.message = fmt::format("needs {} {} but {} has {}: {}", family_display(family), needed,
                                target.id, has, short_list(too_new.symbols));
  finding.hint = hint;
  finding.culprits = too_new.symbols;
  out.push_back(finding);
}

bool applies_to_glibc(const Facts& facts, const Target& target) {
  return is_glibc_target(target) && facts.libc == LibcFlavour::glibc;
}

// A GLIBC_ version that is neither a number nor a marker glibc is known to use (a future or
// renamed one): no target's glibc is known to define it, so the loader would refuse the file.
void check_unknown_glibc(const Facts& facts, const Target& target, std::vector<Finding>& out) {
  std::vector<std::string> unknown;
  for (const auto& library : facts.elf.version_needs) {
    for (const auto& need : library.versions) {
      SymbolVersion version = parse_symbol_version(need.name);
      if (version.family != "GLIBC" || version.numbered()) continue;
      if (need.name == "GLIBC_PRIVATE" || need.name == "GLIBC_ABI_DT_RELR") continue;
      if (std::find(unknown.begin(), unknown.end(), need.name) == unknown.end()) {
        unknown.push_back(need.name);
      }
    }
  }
  if (unknown.empty()) return;
  std::vector<std::string> symbols;
  for (const auto& version : unknown) {
    auto bound = symbols_bound_to(facts, version);
    symbols.insert(symbols.end(), bound.begin(), bound.end());
    if (bound.empty()) symbols.push_back(version);
  }
  Finding finding;
  finding.rule = "glibc-version";
  finding.severity = Severity::fail;
  finding.message = fmt::format("needs {}, which no glibc release defines, so {} lacks it: {}",
                                short_list(unknown), target.id, short_list(symbols));
  finding.hint =
      "rebuild against a released glibc; a version name that is not a number comes "
      "from a development or patched glibc";
  finding.culprits = symbols;
  out.push_back(finding);
}

void check_glibc_version(const Facts& facts, const Target& target, const BaselineTable&,
                         std::vector<Finding>& out) {
  if (!applies_to_glibc(facts, target) || in_own_image(facts, target)) return;
  check_family(facts, target, "GLIBC", "glibc-version", hint_older_glibc(facts, target), out);
  check_unknown_glibc(facts, target, out);
}

void check_libstdcxx_version(const Facts& facts, const Target& target, const BaselineTable&,
                             std::vector<Finding>& out) {
  if (facts.libc == LibcFlavour::static_linked) return;
  std::string hint = hint_static_cxx_runtime(facts, "-static-libstdc++");
  check_family(facts, target, "GLIBCXX", "libstdcxx-version", hint, out);
  check_family(facts, target, "CXXABI", "libstdcxx-version", hint, out);
}

void check_libgcc_version(const Facts& facts, const Target& target, const BaselineTable&,
                          std::vector<Finding>& out) {
  if (facts.libc == LibcFlavour::static_linked) return;
  check_family(facts, target, "GCC", "libgcc-version",
               hint_static_cxx_runtime(facts, "-static-libgcc"), out);
}

void check_glibc_private(const Facts& facts, const Target& target, const BaselineTable&,
                         std::vector<Finding>& out) {
  const auto& special = facts.requirements.special;
  if (std::find(special.begin(), special.end(), "GLIBC_PRIVATE") == special.end()) return;
  if (!is_glibc_target(target) && facts.libc != LibcFlavour::glibc) return;
  // Within one image glibc's own libraries come from one build, and version-definition checks
  // each need against the library that defines it.
  if (in_own_image(facts, target)) return;
  auto symbols = symbols_bound_to(facts, "GLIBC_PRIVATE");
  out.push_back({"glibc-private", Severity::fail,
                 fmt::format("needs GLIBC_PRIVATE, glibc's internal interface, which differs "
                             "between every glibc build: {}",
                             short_list(symbols)),
                 "do not link against glibc internals; replace these symbols with public API, or "
                 "stop bundling a glibc library (libcrypt, libnsl, ...) that uses them",
                 symbols});
}

// A version the library the release resolved does not define: the loader stops before main,
// whatever the target ("version `NEW_2.0' not found (required by ...)").
void check_version_definitions(const Facts& facts, const Target&, const BaselineTable&,
                               std::vector<Finding>& out) {
  for (const auto& needs : facts.undefined_versions) {
    std::vector<std::string> versions;
    for (const auto& version : needs.versions) versions.push_back(version.name);
    auto at = std::find(facts.bundled.begin(), facts.bundled.end(), needs.library);
    std::string where = at == facts.bundled.end()
                            ? needs.library
                            : facts.bundled_paths[static_cast<size_t>(at - facts.bundled.begin())];
    out.push_back({"version-definition", Severity::fail,
                   fmt::format("needs {} of {}, which {} does not define", short_list(versions),
                               needs.library, where),
                   "build against the library the release carries, or carry the one it was "
                   "built against",
                   versions});
  }
}

}  // namespace

std::string family_display(const std::string& family) {
  if (family == "GLIBC") return "glibc";
  if (family == "GLIBCXX" || family == "CXXABI") return "libstdc++ " + family;
  if (family == "GCC") return "libgcc_s GCC";
  return family;
}

extern const Rule kGlibcVersionRule{
    "glibc-version", "glibc symbol versions newer than the target's", check_glibc_version};
extern const Rule kLibstdcxxVersionRule{
    "libstdcxx-version", "GLIBCXX / CXXABI versions newer than the target's libstdc++",
    check_libstdcxx_version};
extern const Rule kLibgccVersionRule{
    "libgcc-version", "GCC_ versions newer than the target's libgcc_s", check_libgcc_version};
extern const Rule kGlibcPrivateRule{"glibc-private", "GLIBC_PRIVATE is never portable",
                                    check_glibc_private};
extern const Rule kVersionDefinitionRule{"version-definition",
                                         "a version the loaded library does not define",
                                         check_version_definitions};

}  // namespace portcheck::rules
