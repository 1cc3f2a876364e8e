// A wheel's file name (PEP 427: name-version[-build]-python-abi-platform.whl) names the
// platforms pip installs it on. Each platform tag is held against the wheel's ELF files: a
// manylinux or musllinux tag must be a policy every file of its architecture passes (a tag of
// PEP 600's form the table has no policy of, one no older than the wheel's best tag), every
// file's architecture must be named, and one architecture's files must agree on their libc, or
// pip installs the wheel where it cannot load.
#include <fmt/format.h>

#include <algorithm>

#include "judge.hpp"
#include "portcheck/strings.hpp"
#include "portcheck/symbol_version.hpp"

namespace portcheck {
namespace {

// The architectures of PyPA's policies, longest first so that ppc64le is not read as ppc64.
const std::vector<std::string> kArchitectures{
    "loongarch64", "x86_64", "aarch64", "ppc64le", "riscv64", "armv7l", "ppc64", "s390x", "i686"};

std::string base_name_of(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return file_name(path);
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

struct Wheel {
  std::vector<const FileReport*> files;       // those with a tag: loadable, of a known arch
  const std::vector<PolicyTagVerdict>& tags;  // the release's, per architecture

  std::vector<const FileReport*> of_arch(const std::string& arch) const {
    std::vector<const FileReport*> out;
    for (const FileReport* file : files) {
      if (file->policy_tag->architecture == arch) out.push_back(file);
    }
    return out;
  }
  const PolicyTagVerdict* tag_of(const std::string& arch) const {
    for (const auto& tag : tags) {
      if (tag.architecture == arch) return &tag;
    }
    return nullptr;
  }
  std::string architectures() const {
    std::vector<std::string> archs;
    for (const FileReport* file : files) {
      const std::string& arch = file->policy_tag->architecture;
      if (!contains(archs, arch)) archs.push_back(arch);
    }
    return short_list(archs, 4);
  }
};

const PolicyStanding* standing_named(const FileReport& file, const std::string& platform) {
  for (const auto& standing : file.policy_tag->standings) {
    if (contains(standing.names, platform)) return &standing;
  }
  return nullptr;
}

const char* libc_word(const std::string& family) {
  return family == "musllinux" ? "musl" : "glibc";
}

// The X.Y of manylinux_X_Y_ARCH or musllinux_X_Y_ARCH; none for other shapes.
std::optional<std::vector<int>> pep600_version(const std::string& tag, const std::string& arch) {
  std::string family = starts_with(tag, "musllinux_") ? "musllinux_" : "manylinux_";
  if (!starts_with(tag, family) || tag.size() <= family.size() + arch.size() + 1) return {};
  std::string middle = tag.substr(family.size(), tag.size() - family.size() - arch.size() - 1);
  std::vector<std::string> parts = split(middle, '_');
  if (parts.size() != 2) return {};
  return parse_dotted(parts[0] + "." + parts[1]);
}

// A tag the table has no policy of (manylinux_2_30, PEP 600 allows any glibc): it must be of
// the files' libc and ask for no older a libc than their best tag.
std::optional<Finding> unknown_tag_finding(const std::string& platform, const std::string& arch,
                                           const Wheel& wheel) {
  std::string family = starts_with(platform, "musllinux") ? "musllinux" : "manylinux";
  std::string hint = "name the wheel by a policy its files pass (portcheck --list-targets @pypa)";
  // Files that link no libc have tags of both families: the one the name asks for counts.
  std::optional<PolicyTagVerdict> worst = worst_tag(wheel.files, family, arch);
  const PolicyTagVerdict* best = worst ? &*worst : nullptr;
  if (!best) {
    return wheel_finding(
        Severity::fail,
        fmt::format("named {}, a {} tag, but its {} files link {}", platform, libc_word(family),
                    arch, libc_word(family == "musllinux" ? "manylinux" : "musllinux")),
        hint, {platform});
  }
  auto claimed = pep600_version(platform, arch);
  auto earned = pep600_version(best->tag, arch);
  if (!claimed) {
    return wheel_finding(Severity::fail,
                         fmt::format("named {}, which is neither a policy of the table nor a "
                                     "{}_X_Y_{} tag",
                                     platform, family, arch),
                         hint, {platform});
  }
  if (earned && compare_numbers(*claimed, *earned) >= 0) return std::nullopt;
  return wheel_finding(Severity::fail,
                       fmt::format("named {}, but its files need {}", platform, best->tag),
                       fmt::format("rename the wheel to {}", best->tag), {platform});
}

// A manylinux or musllinux tag: every file of its architecture must pass that policy.
std::optional<Finding> policy_tag_finding(const std::string& platform, const Wheel& wheel) {
  std::string arch = architecture_of(platform);
  std::vector<const FileReport*> files = wheel.of_arch(arch);
  if (files.empty()) {
    return wheel_finding(
        Severity::fail,
        fmt::format("named {}, but none of its ELF files is built for {} (they "
                    "are {})",
                    platform, arch.empty() ? "that architecture" : arch, wheel.architectures()),
        "name the wheel for the architecture its files are built for", {platform});
  }
  std::vector<std::string> failing, missing;
  std::string first_reason;
  for (const FileReport* file : files) {
    const PolicyStanding* standing = standing_named(*file, platform);
    if (!standing) {
      missing.push_back(file->path);
    } else if (standing->verdict == Verdict::fail) {
      failing.push_back(file->path);
      if (first_reason.empty() && !standing->failures.empty()) {
        first_reason = standing->failures.front();
      }
    }
  }
  if (missing.size() == files.size()) return unknown_tag_finding(platform, arch, wheel);
  if (!missing.empty()) {
    std::string family = starts_with(platform, "musllinux") ? "musllinux" : "manylinux";
    return wheel_finding(
        Severity::fail,
        fmt::format("named {}, a {} tag, but {} link{} another libc", platform, libc_word(family),
                    short_list(missing, 3), missing.size() == 1 ? "s" : ""),
        "ship glibc and musl builds as separate wheels", missing);
  }
  if (failing.empty()) return std::nullopt;
  const PolicyTagVerdict* best = wheel.tag_of(arch);
  std::string earned = best ? best->tag : "linux_" + arch;
  return wheel_finding(Severity::fail,
                       fmt::format("named {}, but {} fail{} that policy ({}); the best tag the "
                                   "wheel earns is {}",
                                   platform, short_list(failing, 3), failing.size() == 1 ? "s" : "",
                                   first_reason, earned),
                       fmt::format("rename the wheel to {} (auditwheel repair does), or remove "
                                   "what the policy refuses",
                                   earned),
                       failing);
}

std::vector<Finding> platform_findings(const std::vector<std::string>& platforms,
                                       const Wheel& wheel) {
  std::vector<Finding> out;
  for (const auto& platform : platforms) {
    if (platform == "any") {
      out.push_back(wheel_finding(Severity::fail,
                                  fmt::format("named for any platform, but it holds ELF files "
                                              "built for {}",
                                              wheel.architectures()),
                                  "tag the wheel with its platform (auditwheel repair does)",
                                  {platform}));
    } else if (starts_with(platform, "manylinux") || starts_with(platform, "musllinux")) {
      if (auto finding = policy_tag_finding(platform, wheel)) out.push_back(*finding);
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
std::optional<Finding> unnamed_architectures(const std::vector<std::string>& platforms,
                                             const Wheel& wheel) {
  std::vector<std::string> unnamed;
  for (const FileReport* file : wheel.files) {
    bool named = std::any_of(platforms.begin(), platforms.end(), [&](const std::string& p) {
      return p == "any" || architecture_of(p) == file->policy_tag->architecture;
    });
    if (!named) unnamed.push_back(file->path);
  }
  if (unnamed.empty()) return std::nullopt;
  return wheel_finding(Severity::fail,
                       fmt::format("holds {}, built for an architecture none of its platform "
                                   "tags names",
                                   short_list(unnamed, 3)),
                       "build one wheel per architecture", unnamed);
}

// glibc and musl files of one architecture: no system loads both.
std::optional<Finding> mixed_libc(const Wheel& wheel) {
  std::vector<std::string> musl_archs;  // the release family of each, worked out once
  for (const auto& tag : wheel.tags) {
    if (tag.family == "musllinux") musl_archs.push_back(tag.architecture);
  }
  std::vector<std::string> glibc;
  for (const FileReport* file : wheel.files) {
    bool musl_arch = contains(musl_archs, file->policy_tag->architecture);
    if (file->facts->libc == LibcFlavour::glibc && musl_arch) glibc.push_back(file->path);
  }
  if (glibc.empty()) return std::nullopt;
  return wheel_finding(Severity::fail,
                       fmt::format("holds musl files and glibc files ({}) for one architecture",
                                   short_list(glibc, 3)),
                       "ship glibc and musl builds as separate wheels", glibc);
}

}  // namespace

std::vector<Finding> wheel_tag_findings(const std::string& path,
                                        const std::vector<const FileReport*>& files,
                                        const std::vector<PolicyTagVerdict>& tags) {
  Wheel wheel{{}, tags};
  for (const FileReport* file : files) {
    if (file->policy_tag) wheel.files.push_back(file);
  }
  if (wheel.files.empty()) return {};
  std::string name = base_name_of(path);
  std::vector<std::string> parts = split(name.substr(0, name.size() - 4), '-');
  if (parts.size() != 5 && parts.size() != 6) {
    return {wheel_finding(Severity::warn,
                          "its file name is not name-version[-build]-python-abi-platform.whl, so "
                          "its platform tags cannot be checked",
                          "name the wheel as PEP 427 says (pip refuses other names)", {name})};
  }
  std::vector<std::string> platforms;
  for (const auto& platform : split(parts.back(), '.')) {
    if (!contains(platforms, platform)) platforms.push_back(platform);
  }
  std::vector<Finding> out = platform_findings(platforms, wheel);
  if (auto finding = unnamed_architectures(platforms, wheel)) out.push_back(*finding);
  if (auto finding = mixed_libc(wheel)) out.push_back(*finding);
  return out;
}

}  // namespace portcheck
