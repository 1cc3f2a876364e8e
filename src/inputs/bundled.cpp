// Which NEEDED libraries the release carries itself: those found through an RPATH/RUNPATH entry
// relative to the binary ($ORIGIN), as the dynamic loader would find them on any target.
#include <sys/stat.h>

#include "portcheck/inputs.hpp"

namespace portcheck {
namespace {

std::string directory_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Expands $ORIGIN and ${ORIGIN}; other entries are not the release's and give nothing.
std::optional<std::string> expand_origin(const std::string& entry, const std::string& origin) {
  for (const std::string token : {"${ORIGIN}", "$ORIGIN"}) {
    if (entry.rfind(token, 0) == 0) return origin + entry.substr(token.size());
  }
  return std::nullopt;
}

bool is_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

}  // namespace

std::vector<std::string> find_bundled(const std::string& path, const ElfFacts& elf) {
  std::vector<std::string> bundled;
  std::string origin = directory_of(path);
  // The loader ignores DT_RPATH when DT_RUNPATH is present.
  const auto& search = elf.runpath.empty() ? elf.rpath : elf.runpath;
  for (const auto& soname : elf.needed) {
    for (const auto& entry : search) {
      auto dir = expand_origin(entry, origin);
      if (dir && is_file(*dir + "/" + soname)) {
        bundled.push_back(soname);
        break;
      }
    }
  }
  return bundled;
}

}  // namespace portcheck
