// A statically linked glibc program that resolves names or users still loads the target's NSS
// modules (libnss_*.so.2) at run time, and those must match the glibc it was linked with.
#include "support.hpp"

namespace portcheck::rules {
namespace {

void check_static_nss(const Facts& facts, const Target& target, const BaselineTable&,
                      std::vector<Finding>& out) {
  if (facts.elf.static_libc.flavour != "glibc" || !facts.elf.static_libc.uses_nss) return;
  if (!is_glibc_target(target)) {
    out.push_back({"static-nss",
                   Severity::warn,
                   "a static glibc program that uses NSS (getaddrinfo, getpwnam, ...); on " +
                       target.id + " there are no glibc NSS modules, so those lookups fail",
                   "link statically against musl instead, or avoid NSS functions",
                   {"NSS"}});
    return;
  }
  out.push_back(
      {"static-nss",
       Severity::warn,
       "a static glibc program that uses NSS (getaddrinfo, getpwnam, ...): it will dlopen "
       "the NSS modules of " +
           target.id +
           "'s glibc, which must match the one it was "
           "linked with",
       "link statically against musl, or link dynamically against an old glibc",
       {"NSS"}});
}

}  // namespace

extern const Rule kStaticNssRule{"static-nss", "static glibc program that uses NSS",
                                 check_static_nss};

}  // namespace portcheck::rules
