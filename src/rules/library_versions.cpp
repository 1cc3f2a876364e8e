// Versions of every other library: a NEEDED library that exists on the target but does not
// define a version the file needs (LIBSYSTEMD_254 on a libsystemd 252, OPENSSL_3.2.0 on OpenSSL
// 3.0, ZLIB_1.2.9 on zlib 1.2.7). glibc's loader refuses such a file ("version `XZ_5.4' not
// found"), so each is a failure, wherever the table knows the library's version definitions.
#include <fmt/format.h>

#include <algorithm>

#include "support.hpp"

namespace portcheck::rules {
namespace {

// The C library and the compiler runtimes have rules of their own, by family maxima.
bool runtime_family(const std::string& version) {
  for (const char* prefix : {"GLIBC", "CXXABI", "GCC_"}) {
    if (version.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

const LibraryDetail* detail_of(const Target& target, const std::string& soname) {
  auto found = target.library_details.find(soname);
  return found == target.library_details.end() ? nullptr : &found->second;
}

// Versions the file needs of `library` that the target's lacks; weak needs only make ld.so warn.
// A derived set knows what is missing only where it says so.
std::vector<std::string> missing_versions(const LibraryNeeds& library,
                                          const LibraryDetail& detail) {
  std::vector<std::string> missing;
  for (const auto& need : library.versions) {
    if (need.weak || runtime_family(need.name) || contains(detail.versions, need.name)) continue;
    if (!detail.lacks || contains(*detail.lacks, need.name)) missing.push_back(need.name);
  }
  return missing;
}

// The highest numbered definition of the family of `wanted` ("LIBSYSTEMD_252" for
// LIBSYSTEMD_254), else the last one defined, for the message.
std::string newest_defined(const std::vector<std::string>& defined, const std::string& wanted) {
  const std::string family = parse_symbol_version(wanted).family;
  std::optional<SymbolVersion> newest;
  for (const auto& name : defined) {
    SymbolVersion version = parse_symbol_version(name);
    if (version.family != family || !version.numbered()) continue;
    if (!newest || compare_numbers(version.numbers, newest->numbers) > 0) newest = version;
  }
  return newest ? newest->name : defined.back();
}

Finding version_finding(const Facts& facts, const Target& target, const std::string& soname,
                        const LibraryDetail& detail, const std::vector<std::string>& missing) {
  std::vector<std::string> symbols;
  for (const auto& version : missing) {
    auto bound = symbols_bound_to(facts, version);
    symbols.insert(symbols.end(), bound.begin(), bound.end());
  }
  std::string what = detail.package.empty() ? soname : detail.package;
  std::string newest = newest_defined(detail.versions, missing.front());
  return Finding{
      "library-version", Severity::fail,
      fmt::format("needs {} of {}, which {}'s {} does not define (newest there: {}): {}",
                  short_list(missing), soname, target.id, what, newest, short_list(symbols)),
      fmt::format("build against the oldest {} the release supports (one that defines no more "
                  "than {}), or bundle {} with the release",
                  soname, newest, soname),
      symbols};
}

void check_library_versions(const Facts& facts, const Target& target, const BaselineTable&,
                            std::vector<Finding>& out) {
  if (wrong_libc(facts, target) || in_own_image(facts, target)) return;
  for (const auto& library : facts.elf.version_needs) {
    const auto& bundled = facts.bundled;
    if (std::find(bundled.begin(), bundled.end(), library.library) != bundled.end()) continue;
    const LibraryDetail* detail = detail_of(target, library.library);
    // A library without version definitions is accepted with a warning by ld.so ("no version
    // information available"); an unknown one has nothing to compare with.
    if (!detail || detail->versions.empty()) continue;
    auto missing = missing_versions(library, *detail);
    if (!missing.empty()) {
      out.push_back(version_finding(facts, target, library.library, *detail, missing));
    }
  }
}

}  // namespace

extern const Rule kLibraryVersionRule{
    "library-version", "versions of other libraries: defined by the target's library",
    check_library_versions};

}  // namespace portcheck::rules
