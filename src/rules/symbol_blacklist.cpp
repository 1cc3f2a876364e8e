// A policy's symbol blacklist, applied as auditwheel applies it: for each library the file needs
// that the policy lists, any strong undefined symbol of a listed name (`*`: any at all) refuses
// the policy. Distributions build zlib so that its internals (zcalloc, inflate_fast, ...) are not
// exported, or not reliably: a wheel that calls them loads on the build machine and nowhere else.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

#include "support.hpp"

namespace portcheck::rules {
namespace {

// The names the file imports as a strong undefined symbol, bound to a version or not.
std::set<std::string> strong_imports(const ElfFacts& elf) {
  std::set<std::string> names;
  for (const auto& symbol : elf.imports) {
    if (!symbol.weak && !symbol.copied) names.insert(symbol.name);
  }
  std::set<std::string> weak(elf.weak_unversioned_imports.begin(),
                             elf.weak_unversioned_imports.end());
  for (const auto& name : elf.unversioned_imports) {
    if (!weak.count(name)) names.insert(name);
  }
  return names;
}

Finding blacklist_finding(const Target& target, const std::string& soname,
                          std::vector<std::string> symbols) {
  bool whole_library = std::find(symbols.begin(), symbols.end(), "*") != symbols.end();
  std::string hint = fmt::format(
      "link {} into the file statically or bundle a copy under a soname of its own (auditwheel "
      "repair does this for wheels){}",
      soname, whole_library ? "" : ", or use only the library's public API");
  if (whole_library) {
    return Finding{"symbol-blacklist",
                   Severity::fail,
                   fmt::format("needs {}, whose symbols the {} policy does not allow at all",
                               soname, target.id),
                   hint,
                   {soname}};
  }
  return Finding{"symbol-blacklist", Severity::fail,
                 fmt::format("imports {}, which the {} policy blacklists for {} (not every "
                             "system's {} exports {})",
                             short_list(symbols), target.id, soname, soname,
                             symbols.size() == 1 ? "it" : "them"),
                 hint, std::move(symbols)};
}

void check_symbol_blacklist(const Facts& facts, const Target& target, const BaselineTable&,
                            std::vector<Finding>& out) {
  if (target.symbol_blacklist.empty() || wrong_libc(facts, target)) return;
  std::optional<std::set<std::string>> imports;  // read once, for the first listed library
  std::set<std::string> seen;
  for (const auto& soname : facts.elf.needed) {
    auto listed = target.symbol_blacklist.find(soname);
    if (listed == target.symbol_blacklist.end() || !seen.insert(soname).second) continue;
    if (!imports) imports = strong_imports(facts.elf);
    std::vector<std::string> hits;
    for (const auto& name : listed->second) {
      if (name == "*" || imports->count(name)) hits.push_back(name);
    }
    std::sort(hits.begin(), hits.end());
    hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
    if (!hits.empty()) out.push_back(blacklist_finding(target, soname, std::move(hits)));
  }
}

}  // namespace

extern const Rule kSymbolBlacklistRule{
    "symbol-blacklist", "policies: symbols a wheel must not import from the libraries it needs",
    check_symbol_blacklist};

}  // namespace portcheck::rules
