// Is each NEEDED library on the target? Provided by a default install (fine), installable from
// the official repositories (warn, naming the package), or not available at all (fail). Libraries
// the release bundles beside the binary ($ORIGIN) count as present.
#include <fmt/format.h>

#include <algorithm>

#include "portcheck/derive.hpp"
#include "support.hpp"

namespace portcheck::rules {
namespace {

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
  return is_glibc_loader(soname);
}

// The file's first RUNPATH (else RPATH) entry relative to its own directory: the file expects
// libraries of the release there.
std::optional<std::string> origin_path(const Facts& facts) {
  const auto& paths = facts.elf.runpath.empty() ? facts.elf.rpath : facts.elf.runpath;
  for (const auto& path : paths) {
    if (path.find("$ORIGIN") != std::string::npos || path.find("${ORIGIN}") != std::string::npos) {
      return path;
    }
  }
  return std::nullopt;
}

// Digits from `at`; returns where they end (== at when there are none).
size_t skip_digits(const std::string& text, size_t at) {
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
  return at;
}

// libpythonX.Y[m].so[.N...], auditwheel's LIBPYTHON_RE, read without a regex: a soname may be
// as long as a string table, and std::regex recurses once per character it matches.
bool is_libpython(const std::string& soname) {
  const std::string prefix = "libpython";
  if (soname.compare(0, prefix.size(), prefix) != 0) return false;
  size_t at = skip_digits(soname, prefix.size());
  if (at == prefix.size() || at >= soname.size() || soname[at] != '.') return false;
  size_t minor = skip_digits(soname, at + 1);
  if (minor == at + 1) return false;
  at = minor < soname.size() && soname[minor] == 'm' ? minor + 1 : minor;
  if (soname.compare(at, 3, ".so") != 0) return false;
  for (at += 3; at < soname.size();) {
    size_t end = soname[at] == '.' ? skip_digits(soname, at + 1) : at;
    if (end == at + 1 || end == at) return false;
    at = end;
  }
  return true;
}

// Whether any target of the table lists `soname`: in an image, an archive, a policy's list.
bool known_anywhere(const BaselineTable& table, const std::string& soname) {
  for (const auto& t : table.targets) {
    if (contains(t.default_libraries, soname) || contains(t.openssl_default, soname) ||
        offer_for(t.installable, soname) || offer_for(t.openssl_installable, soname) ||
        t.library_details.count(soname) == 1 || (t.archive && t.archive->package_of(soname))) {
      return true;
    }
  }
  return false;
}

// How a package is installed on the target's family, as the user would type it.
std::string install_command(const Target& target, const std::string& package) {
  const std::string& family = target.family;
  if (family == "debian" || family == "ubuntu") return "apt-get install " + package;
  if (family == "alpine") return "apk add " + package;
  if (family == "sles" || family == "opensuse") return "zypper install " + package;
  if (family == "arch") return "pacman -S " + package;
  bool yum = target.id == "centos-7" || target.id == "amazonlinux-2";
  if (family == "rhel" || family == "fedora" || family == "amazonlinux") {
    return (yum ? "yum install " : "dnf install ") + package;
  }
  return "install package " + package;
}

// The package that installs `soname` on the target: one the table names, else the archive's.
std::optional<std::string> package_for(const Target& target, const std::string& soname) {
  const LibraryOffer* offer = offer_for(target.installable, soname);
  if (!offer) offer = offer_for(target.openssl_installable, soname);
  if (offer) return offer->package;
  if (target.archive) return target.archive->package_of(soname);
  return std::nullopt;
}

// The package of a related archive (Debian's for Ubuntu) that ships `soname`: likely, not sure.
std::optional<std::string> related_package(const Target& target, const std::string& soname) {
  if (!target.package_names) return std::nullopt;
  return target.package_names->package_of(soname);
}

std::string image_name(const Target& target) {
  return target.inventory.image.empty() ? target.id + " base image"
                                        : target.inventory.image + " image";
}

// The table lists every library of the target's image: one it lacks is missing there.
Finding missing_from_image(const Target& target, const std::string& soname,
                           const std::optional<std::string>& package, const std::string& bundle,
                           const char* rule) {
  if (package) {
    std::string install = install_command(target, *package);
    return Finding{rule,
                   Severity::warn,
                   fmt::format("needs {}: not in the {}; {}", soname, image_name(target), install),
                   fmt::format("document `{}` as a dependency, or {}", *package, bundle),
                   {soname}};
  }
  if (target.archive) {
    return Finding{rule,
                   Severity::fail,
                   fmt::format("needs {}: not in the {}, and no package of {} provides it", soname,
                               image_name(target), target.id),
                   bundle,
                   {soname}};
  }
  if (auto related = related_package(target, soname)) {
    std::string install = install_command(target, *related);
    return Finding{
        rule,
        Severity::warn,
        fmt::format("needs {}: not in the {}; probably {} (its package in {})", soname,
                    image_name(target), install, target.package_names.name),
        fmt::format("document `{}` as a dependency (check the name in {}'s archive), or {}",
                    *related, target.id, bundle),
        {soname}};
  }
  return Finding{rule,
                 Severity::warn,
                 fmt::format("needs {}: not in the {}; the table does not know a package of {} "
                             "that provides it",
                             soname, image_name(target), target.id),
                 "check that the target's repositories provide it (and document the package), "
                 "or " +
                     bundle,
                 {soname}};
}

}  // namespace

std::optional<Finding> library_finding(const Facts& facts, const Target& target,
                                       const BaselineTable& table, const std::string& soname,
                                       const char* rule, const std::string& extra_hint) {
  if (contains(facts.bundled, soname)) return std::nullopt;
  // In its own image a file has what the image's loader finds (ld.so.cache, system directories,
  // RUNPATH), which the release resolution already looked through: the rest is missing, even a
  // library the image holds where only ld.so.conf names it (ldconfig not run since).
  if (!target.release_scope.empty() && target.release_scope == facts.release) {
    return Finding{rule,
                   Severity::fail,
                   fmt::format("needs {}, which the loader of {} does not find (not through "
                               "RUNPATH, its ld.so.cache or its system directories)",
                               soname, target.release_scope),
                   fmt::format("install {} in the image, and run ldconfig after adding a "
                               "directory to ld.so.conf",
                               soname),
                   {soname}};
  }
  if (provided_by_libc(target, soname)) return std::nullopt;
  if (contains(target.default_libraries, soname) || contains(target.openssl_default, soname)) {
    return std::nullopt;
  }
  if (auto origin = origin_path(facts); origin && !known_anywhere(table, soname)) {
    return Finding{rule,
                   Severity::fail,
                   fmt::format("needs {}, which is not in the release (RUNPATH {} points into "
                               "it) and which no target of the table provides",
                               soname, *origin),
                   fmt::format("ship {} in the release where {} finds it", soname, *origin),
                   {soname}};
  }
  std::string bundle = extra_hint + fmt::format(
                                        "bundle {} with the release (beside the binary, found "
                                        "through RUNPATH=$ORIGIN) or link it statically",
                                        soname);
  if (target.whitelist_only && is_libpython(soname)) {
    return Finding{rule,
                   Severity::fail,
                   fmt::format("needs {}, which the {} policy does not allow: the interpreter that "
                               "imports an extension provides Python's symbols, and many "
                               "(manylinux images among them) have no libpython library",
                               soname, target.id),
                   "link the extension without -lpython (auditwheel repair removes the "
                   "dependency)",
                   {soname}};
  }
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
  std::optional<std::string> package = package_for(target, soname);
  if (target.inventory.lists_every_library()) {
    return missing_from_image(target, soname, package, bundle, rule);
  }
  if (package) {
    return Finding{rule,
                   Severity::warn,
                   fmt::format("needs {}, not installed by default on {}: package {}", soname,
                               target.id, *package),
                   fmt::format("document `{}` as a dependency, or {}", *package, bundle),
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

void check_needed_libraries(const Facts& facts, const Target& target, const BaselineTable& table,
                            std::vector<Finding>& out) {
  if (wrong_libc(facts, target)) return;  // libc-flavour already fails; sonames would be noise
  for (const auto& soname : facts.elf.needed) {
    if (!tls_stack_of_soname(soname).empty()) continue;  // the tls-library rule speaks for these
    if (auto finding = library_finding(facts, target, table, soname, "needed-library", "")) {
      out.push_back(*finding);
    }
  }
}

}  // namespace

extern const Rule kNeededLibraryRule{
    "needed-library", "NEEDED libraries: default, installable, or absent", check_needed_libraries};

}  // namespace portcheck::rules
