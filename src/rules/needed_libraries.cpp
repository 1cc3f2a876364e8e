// Is each NEEDED library on the target? Provided by a default install (fine), installable from
// the official repositories (warn, naming the package), or not available at all (fail). Libraries
// the release bundles beside the binary ($ORIGIN) count as present.
#include <fmt/format.h>

#include <algorithm>

#include "portcheck/derive.hpp"
#include "support.hpp"

namespace portcheck::rules {
namespace {

bool listed(const std::vector<std::string>& list, const std::string& soname) {
  return std::find(list.begin(), list.end(), soname) != list.end();
}

const LibraryOffer* offer_for(const std::vector<LibraryOffer>& offers, const std::string& soname) {
  for (const auto& offer : offers) {
    if (offer.soname == soname) return &offer;
  }
  return nullptr;
}

const AbsentLibrary* absence_of(const Target& target, const std::string& soname) {
  for (const auto& absent : target.absent) {
    if (absent.soname == soname) return &absent;
  }
  return nullptr;
}

// Sonames the C library itself answers, which a table need not list one by one.
bool provided_by_libc(const Target& target, const std::string& soname) {
  if (is_musl_target(target)) return soname == "libc.so" || soname.rfind("libc.musl-", 0) == 0;
  return soname.rfind("ld-linux", 0) == 0 || soname.rfind("ld64.so", 0) == 0;
}

}  // namespace

std::optional<Finding> library_finding(const Facts& facts, const Target& target,
                                       const std::string& soname, const char* rule,
                                       const std::string& extra_hint) {
  if (listed(facts.bundled, soname) || provided_by_libc(target, soname)) return std::nullopt;
  if (listed(target.default_libraries, soname) || listed(target.openssl_default, soname)) {
    return std::nullopt;
  }
  std::string bundle = extra_hint + fmt::format(
                                        "bundle {} with the release (beside the binary, found "
                                        "through RUNPATH=$ORIGIN) or link it statically",
                                        soname);
  if (target.whitelist_only) {
    return Finding{rule,
                   Severity::fail,
                   fmt::format("needs {}, which the {} policy does not allow", soname, target.id),
                   bundle + " (auditwheel repair does this for wheels)",
                   {soname}};
  }
  if (const AbsentLibrary* absent = absence_of(target, soname)) {
    std::string why = absent->note.empty() ? "" : " (" + absent->note + ")";
    return Finding{rule,
                   Severity::fail,
                   fmt::format("needs {}, which {} does not have{}", soname, target.id, why),
                   bundle,
                   {soname}};
  }
  const LibraryOffer* offer = offer_for(target.installable, soname);
  if (!offer) offer = offer_for(target.openssl_installable, soname);
  if (offer) {
    return Finding{rule,
                   Severity::warn,
                   fmt::format("needs {}, not installed by default on {}: package {}", soname,
                               target.id, offer->package),
                   fmt::format("document `{}` as a dependency, or {}", offer->package, bundle),
                   {soname}};
  }
  // Not bundled and not known to be installed: out of the box the loader will not find it.
  return Finding{rule,
                 Severity::warn,
                 fmt::format("needs {}, which the table does not list for {}: not known to be "
                             "installed there",
                             soname, target.id),
                 "check that the target provides it (and document the package), or " + bundle,
                 {soname}};
}

namespace {

void check_needed_libraries(const Facts& facts, const Target& target, const BaselineTable&,
                            std::vector<Finding>& out) {
  if (wrong_libc(facts, target)) return;  // libc-flavour already fails; sonames would be noise
  for (const auto& soname : facts.elf.needed) {
    if (!tls_stack_of_soname(soname).empty()) continue;  // the tls-library rule speaks for these
    if (auto finding = library_finding(facts, target, soname, "needed-library", "")) {
      out.push_back(*finding);
    }
  }
}

}  // namespace

extern const Rule kNeededLibraryRule{
    "needed-library", "NEEDED libraries: default, installable, or absent", check_needed_libraries};

}  // namespace portcheck::rules
