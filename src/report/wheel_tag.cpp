// A wheel's file name (PEP 427: name-version[-build]-python-abi-platform.whl) names the
// platforms pip installs it on. Each platform tag is held against the wheel's ELF files: a
// manylinux or musllinux tag must be a policy every file of its architecture passes, and every
// file's architecture must be named, or pip installs the wheel where it cannot load.
#include <fmt/format.h>

#include <algorithm>

#include "judge.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

// The architectures of PyPA's policies, longest first so that ppc64le is not read as ppc64.
const std::vector<std::string> kArchitectures{
    "loongarch64", "x86_64", "aarch64", "ppc64le", "riscv64", "armv7l", "ppc64", "s390x", "i686"};

std::string base_name_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + 1) {
    parts.push_back(text.substr(start, at - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::string architecture_of(const std::string& platform) {
  for (const auto& arch : kArchitectures) {
    if (ends_with(platform, "_" + arch)) return arch;
  }
  return "";
}

Finding wheel_finding(Severity severity, std::string message, std::string hint,
                      std::vector<std::string> culprits) {
  return Finding{"wheel-tag", severity, std::move(message), std::move(hint), std::move(culprits)};
}

struct Tagged {
  const FileReport* file;
  const PolicyTagVerdict* tag;
};

std::vector<Tagged> tagged_files(const std::vector<const FileReport*>& files) {
  std::vector<Tagged> out;
  for (const FileReport* file : files) {
    if (file->policy_tag) out.push_back({file, &*file->policy_tag});
  }
  return out;
}

const PolicyStanding* standing_named(const PolicyTagVerdict& tag, const std::string& platform) {
  for (const auto& standing : tag.standings) {
    const auto& names = standing.names;
    if (std::find(names.begin(), names.end(), platform) != names.end()) return &standing;
  }
  return nullptr;
}

std::string architectures_text(const std::vector<Tagged>& files) {
  std::vector<std::string> archs;
  for (const auto& f : files) {
    if (std::find(archs.begin(), archs.end(), f.tag->architecture) == archs.end()) {
      archs.push_back(f.tag->architecture);
    }
  }
  return short_list(archs, 4);
}

// A manylinux or musllinux tag: every file of its architecture must pass that policy.
std::optional<Finding> policy_tag_finding(const std::string& platform,
                                          const std::vector<Tagged>& files) {
  std::string arch = architecture_of(platform);
  std::vector<std::string> failing;
  std::string first_reason, best;
  bool known = false, any_of_arch = false;
  for (const auto& f : files) {
    if (f.tag->architecture != arch) continue;
    any_of_arch = true;
    const PolicyStanding* standing = standing_named(*f.tag, platform);
    if (!standing) continue;
    known = true;
    if (standing->verdict != Verdict::fail) continue;
    failing.push_back(f.file->path);
    if (first_reason.empty()) {
      first_reason = standing->failures.empty() ? "" : standing->failures.front();
      best = f.tag->tag;
    }
  }
  if (!any_of_arch) {
    return wheel_finding(
        Severity::fail,
        fmt::format("named {}, but none of its ELF files is built for {} (they "
                    "are {})",
                    platform, arch.empty() ? "that architecture" : arch, architectures_text(files)),
        "name the wheel for the architecture its files are built for", {platform});
  }
  if (!known) {
    bool musl_tag = starts_with(platform, "musllinux");
    return wheel_finding(Severity::fail,
                         fmt::format("named {}, but its {} files are not {} files, or the table "
                                     "has no such policy",
                                     platform, arch, musl_tag ? "musl" : "glibc"),
                         "name the wheel by a policy of the libc its files link (portcheck "
                         "--list-targets @pypa)",
                         {platform});
  }
  if (failing.empty()) return std::nullopt;
  return wheel_finding(Severity::fail,
                       fmt::format("named {}, but {} fails that policy ({}); the best tag it "
                                   "earns is {}",
                                   platform, short_list(failing, 3), first_reason, best),
                       fmt::format("rename the wheel to {} (auditwheel repair does), or remove "
                                   "what the policy refuses",
                                   best),
                       failing);
}

std::vector<Finding> platform_findings(const std::vector<std::string>& platforms,
                                       const std::vector<Tagged>& files) {
  std::vector<Finding> out;
  for (const auto& platform : platforms) {
    if (platform == "any") {
      out.push_back(wheel_finding(Severity::fail,
                                  fmt::format("named for any platform, but it holds ELF files "
                                              "built for {}",
                                              architectures_text(files)),
                                  "tag the wheel with its platform (auditwheel repair does)",
                                  {platform}));
    } else if (starts_with(platform, "manylinux") || starts_with(platform, "musllinux")) {
      if (auto finding = policy_tag_finding(platform, files)) out.push_back(*finding);
    } else if (!starts_with(platform, "linux_")) {
      out.push_back(wheel_finding(Severity::fail,
                                  fmt::format("named {}, not a Linux platform, but it holds "
                                              "Linux ELF files",
                                              platform),
                                  "tag the wheel with its Linux platform", {platform}));
    }
  }
  return out;
}

// Files of an architecture no platform tag names: pip would never install them where they load.
std::vector<Finding> unnamed_architectures(const std::vector<std::string>& platforms,
                                           const std::vector<Tagged>& files) {
  std::vector<std::string> unnamed;
  for (const auto& f : files) {
    bool named = std::any_of(platforms.begin(), platforms.end(), [&](const std::string& p) {
      return p == "any" || architecture_of(p) == f.tag->architecture;
    });
    if (!named) unnamed.push_back(f.file->path);
  }
  if (unnamed.empty()) return {};
  return {wheel_finding(Severity::fail,
                        fmt::format("holds {}, built for an architecture none of its platform "
                                    "tags names",
                                    short_list(unnamed, 3)),
                        "build one wheel per architecture", unnamed)};
}

}  // namespace

std::vector<Finding> wheel_tag_findings(const std::string& path,
                                        const std::vector<const FileReport*>& files) {
  std::string name = base_name_of(path);
  std::vector<std::string> parts = split(name.substr(0, name.size() - 4), '-');
  std::vector<Tagged> tagged = tagged_files(files);
  if (tagged.empty()) return {};
  if (parts.size() != 5 && parts.size() != 6) {
    return {wheel_finding(Severity::warn,
                          "its file name is not name-version[-build]-python-abi-platform.whl, so "
                          "its platform tags cannot be checked",
                          "name the wheel as PEP 427 says (pip refuses other names)", {name})};
  }
  std::vector<std::string> platforms = split(parts.back(), '.');
  std::vector<Finding> out = platform_findings(platforms, tagged);
  for (auto& finding : unnamed_architectures(platforms, tagged)) out.push_back(finding);
  return out;
}

}  // namespace portcheck
