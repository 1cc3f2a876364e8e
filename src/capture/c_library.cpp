#include "c_library.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "libraries.hpp"
#include "portcheck/baseline.hpp"
#include "portcheck/strings.hpp"
#include "portcheck/symbol_version.hpp"

namespace portcheck::capture {
namespace {

// musl installs its library as /lib/ld-musl-<arch>.so.1 and, on Alpine, links
// libc.musl-<arch>.so.1 to it.
bool musl_name(const std::string& name) {
  return (starts_with(name, "ld-musl-") || starts_with(name, "libc.musl-")) &&
         ends_with(name, ".so.1");
}

std::string triplet_of(const std::string& path) {
  std::string dir = path.substr(0, path.rfind('/'));
  std::string name = dir.substr(dir.rfind('/') + 1);
  return name.find("-linux-") == std::string::npos ? "" : name;
}

// Candidate paths in search order; a file reached under two names (/lib -> usr/lib) once.
std::vector<std::string> candidates(const RootFs& fs) {
  std::vector<std::string> glibc_dirs = triplet_directories(fs);
  for (const char* dir : {"/lib64", "/usr/lib64", "/lib", "/usr/lib"}) glibc_dirs.push_back(dir);
  std::vector<std::string> paths, seen;
  auto add = [&](const std::string& path) {
    auto file = resolve(fs, path);
    if (!file || !is_regular_file(fs, *file)) return;
    if (std::find(seen.begin(), seen.end(), *file) != seen.end()) return;
    seen.push_back(*file);
    paths.push_back(path);
  };
  for (const auto& dir : glibc_dirs) add(dir + "/libc.so.6");
  for (const char* dir : {"/lib", "/usr/lib"}) {
    for (const auto& name : list_directory(fs, dir)) {
      if (musl_name(name)) add(std::string(dir) + "/" + name);
    }
  }
  return paths;
}

std::optional<CLibrary> loaded(const RootFs& fs, const std::string& path) {
  Result<ElfFacts> facts = load_root_elf(fs, path);
  if (!std::holds_alternative<ElfFacts>(facts)) return std::nullopt;
  CLibrary library;
  library.path = path;
  library.elf = std::get<ElfFacts>(std::move(facts));
  library.flavour = ends_with(path, "/libc.so.6") ? "glibc" : "musl";
  library.arch = distro_architecture(library.elf.machine);
  library.triplet = triplet_of(path);
  return library;
}

}  // namespace

std::optional<CLibrary> find_c_library(const RootFs& fs, const std::string& preferred_arch) {
  std::vector<CLibrary> found;
  for (const auto& path : candidates(fs)) {
    if (auto library = loaded(fs, path)) found.push_back(std::move(*library));
  }
  if (found.empty()) return std::nullopt;
  // glibc before musl (Debian's musl package puts ld-musl beside glibc), then the host's
  // architecture, then search order.
  auto rank = [&](const CLibrary& library) {
    return std::make_pair(library.flavour != "glibc", library.arch != preferred_arch);
  };
  std::stable_sort(found.begin(), found.end(),
                   [&](const CLibrary& a, const CLibrary& b) { return rank(a) < rank(b); });
  CLibrary chosen = found.front();
  for (size_t i = 1; i < found.size(); ++i) {
    chosen.others.push_back(found[i].path + " (" + found[i].flavour + ", " + found[i].arch + ")");
  }
  return chosen;
}

std::optional<std::vector<int>> highest_defined(const ElfFacts& elf, const std::string& family) {
  std::optional<std::vector<int>> highest;
  for (const auto& name : elf.version_defs) {
    SymbolVersion version = parse_symbol_version(name);
    if (version.family != family || !version.numbered()) continue;
    if (!highest || compare_numbers(version.numbers, *highest) > 0) highest = version.numbers;
  }
  return highest;
}

namespace {

// "2.36" from "... release version 2.36." or "... release version 2.31, by Roland McGrath";
// at most two or three numbers, as glibc numbers its releases.
std::optional<std::string> version_after(const std::string& text, size_t at) {
  size_t end = at;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
    ++end;
  }
  std::string version = text.substr(at, end - at);
  while (!version.empty() && version.back() == '.') version.pop_back();
  auto numbers = parse_dotted(version);
  if (!numbers || numbers->size() < 2 || numbers->size() > 3) return std::nullopt;
  return version;
}

}  // namespace

std::optional<GlibcRelease> glibc_release(const RootFs& fs, const std::string& path) {
  if (auto bytes = read_file(fs, path)) {
    const std::string text(bytes->begin(), bytes->end());
    const std::string banner = "GNU C Library";
    const std::string marker = "release version ";
    for (size_t at = text.find(banner); at != std::string::npos; at = text.find(banner, at + 1)) {
      size_t line_end = text.find_first_of(std::string("\n\0", 2), at);
      size_t found = text.find(marker, at);
      if (found == std::string::npos || found > line_end) continue;
      if (auto version = version_after(text, found + marker.size())) {
        return GlibcRelease{*version,
                            "\"release version " + *version + "\" in the banner of " + path};
      }
    }
  }
  auto file = resolve(fs, path);
  std::string name = file ? file->substr(file->rfind('/') + 1) : "";
  if (starts_with(name, "libc-") && ends_with(name, ".so")) {
    if (auto version = version_after(name, 5)) {
      return GlibcRelease{*version, path + " is " + *file};
    }
  }
  return std::nullopt;
}

std::optional<std::string> musl_version_from_apk(const RootFs& fs) {
  auto installed = read_text(fs, "/lib/apk/db/installed");
  if (!installed) return std::nullopt;
  // One package per paragraph: "P:musl" names it, "V:1.2.5-r0" gives its version.
  std::istringstream lines(*installed);
  std::string line, package, version;
  while (std::getline(lines, line)) {
    if (line.empty()) {
      if (package == "musl") break;
      package.clear();
      version.clear();
    }
    if (starts_with(line, "P:")) package = line.substr(2);
    if (starts_with(line, "V:")) version = line.substr(2);
  }
  if (package != "musl") return std::nullopt;
  std::string upstream = version.substr(0, version.find('-'));
  auto numbers = parse_dotted(upstream);
  if (!numbers || numbers->size() != 3) return std::nullopt;
  return upstream;
}

}  // namespace portcheck::capture
