#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "portcheck/release.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

struct Location {
  std::string container;  // "release.tgz!/" for archive members, "" on disk
  std::string inner;      // path inside the container
};

Location split(const std::string& path) {
  auto bang = path.rfind("!/");
  if (bang == std::string::npos) return {"", path};
  return {path.substr(0, bang + 2), path.substr(bang + 2)};
}

std::string parent(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

constexpr size_t kMaxSearchDirs = 256;

std::string platform_of(const std::string& machine) { return machine == "i386" ? "i686" : machine; }

// $LIB is lib64 on most 64-bit distributions, lib on others and on 32-bit ones; both are tried.
std::vector<std::string> expand(const std::string& entry, const std::string& origin,
                                const ElfFacts& elf) {
  std::vector<std::string> results{entry};
  auto replace_all = [](std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
    return text;
  };
  for (auto& text : results) {
    text = replace_all(replace_all(text, "${ORIGIN}", origin), "$ORIGIN", origin);
    text = replace_all(replace_all(text, "${PLATFORM}", platform_of(elf.machine)), "$PLATFORM",
                       platform_of(elf.machine));
  }
  std::vector<std::string> expanded;
  for (const auto& text : results) {
    if (text.find("$LIB") == std::string::npos && text.find("${LIB}") == std::string::npos) {
      expanded.push_back(text);
      continue;
    }
    for (const char* lib : {"lib64", "lib"}) {
      expanded.push_back(replace_all(replace_all(text, "${LIB}", lib), "$LIB", lib));
    }
  }
  return expanded;
}

// The multiarch directory of an architecture, as Debian and Ubuntu name them.
std::string triplet_of(const ElfFacts& elf) {
  static const std::map<std::string, std::string> triplets{
      {"x86_64", "x86_64-linux-gnu"},          {"i386", "i386-linux-gnu"},
      {"aarch64", "aarch64-linux-gnu"},        {"arm", "arm-linux-gnueabihf"},
      {"ppc64le", "powerpc64le-linux-gnu"},    {"s390x", "s390x-linux-gnu"},
      {"riscv64", "riscv64-linux-gnu"},        {"mips64el", "mips64el-linux-gnuabi64"},
      {"loongarch64", "loongarch64-linux-gnu"}};
  auto found = triplets.find(elf.machine);
  return found == triplets.end() ? "" : found->second;
}

// glibc's FLAG_*_LIB64 (and like) bits of an ld.so.cache entry for the file's architecture;
// nullopt where any entry may do.
std::optional<uint32_t> cache_flags_of(const ElfFacts& elf) {
  static const std::map<std::string, uint32_t> flags{{"x86_64", 0x0303},  {"i386", 0x0003},
                                                     {"aarch64", 0x0a03}, {"s390x", 0x0403},
                                                     {"ppc64le", 0x0503}, {"ppc64", 0x0503}};
  auto found = flags.find(elf.machine);
  if (found == flags.end()) return std::nullopt;
  return found->second;
}

bool is_musl(const Facts& file) {
  return file.libc == LibcFlavour::musl ||
         (file.elf.interpreter && file.elf.interpreter->find("ld-musl-") != std::string::npos);
}

// Where a container image's own loader finds a library no RUNPATH found, in its order: for
// glibc the cache ldconfig wrote (entries of the file's architecture), then the system
// directories (multiarch, lib64 for 64-bit files, lib); for musl its path file, else /lib,
// /usr/local/lib and /usr/lib.
std::vector<std::string> image_candidates(const ImageLoader& loader, const Facts& file,
                                          const std::string& soname) {
  std::vector<std::string> paths;
  auto dirs_named = [&](std::initializer_list<std::string> names) {
    for (const auto& name : names) {
      auto found = loader.dirs.find(name);
      if (found != loader.dirs.end()) paths.push_back(found->second + "/" + soname);
    }
  };
  if (is_musl(file)) {
    auto path = loader.musl_paths.find(file.elf.machine);
    if (path == loader.musl_paths.end()) {
      dirs_named({"lib", "usr/local/lib", "usr/lib"});
    } else {
      for (const auto& dir : path->second) paths.push_back(dir + "/" + soname);
    }
    return paths;
  }
  auto flags = cache_flags_of(file.elf);
  for (const auto& entry : loader.cache) {
    if (entry.soname == soname && (!flags || entry.flags == *flags)) paths.push_back(entry.path);
  }
  std::string triplet = triplet_of(file.elf);
  if (!triplet.empty()) dirs_named({"lib/" + triplet, "usr/lib/" + triplet});
  if (file.elf.elf_class == ElfClass::elf64) dirs_named({"lib64", "usr/lib64"});
  dirs_named({"lib", "usr/lib"});
  return paths;
}

// What the loader checks once it has loaded a file's libraries: each version the file needs of
// a library is among that library's definitions.
std::vector<LibraryNeeds> undefined_versions(const Facts& file,
                                             const std::map<std::string, const Facts*>& resolved) {
  std::vector<LibraryNeeds> undefined;
  for (const auto& needs : file.elf.version_needs) {
    auto library = resolved.find(needs.library);
    if (library == resolved.end() || library->second->elf.version_defs.empty()) continue;
    LibraryNeeds missing{needs.library, {}};
    for (const auto& version : needs.versions) {
      if (!version.weak && !contains(library->second->elf.version_defs, version.name)) {
        missing.versions.push_back(version);
      }
    }
    if (!missing.versions.empty()) undefined.push_back(std::move(missing));
  }
  return undefined;
}

}  // namespace

std::string normalize_path(const std::string& path) {
  Location location = split(path);
  bool absolute = !location.inner.empty() && location.inner[0] == '/';
  std::vector<std::string> parts;
  size_t start = 0;
  const std::string& inner = location.inner;
  while (start <= inner.size()) {
    size_t end = inner.find('/', start);
    if (end == std::string::npos) end = inner.size();
    std::string part = inner.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else if (!absolute)
        parts.push_back(part);
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string joined = absolute && location.container.empty() ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) joined += (i ? "/" : "") + parts[i];
  if (joined.empty()) joined = ".";
  return location.container + joined;
}

std::vector<std::string> library_search_dirs(const Facts& file) {
  const ElfFacts& elf = file.elf;
  // The container comes from where the file was read, never from its name: a directory on disk
  // may well be called "pkg!".
  Location location{file.container, file.path.substr(file.container.size())};
  std::string origin = location.container + parent(location.inner);
  // The loader ignores DT_RPATH when DT_RUNPATH is present.
  const auto& entries = elf.runpath.empty() ? elf.rpath : elf.runpath;
  std::vector<std::string> dirs;
  std::set<std::string> seen_entries, seen_dirs;
  for (const auto& entry : entries) {
    // A RUNPATH made to hurt repeats entries by the thousand: each is expanded once, and the
    // directories searched are bounded (the loader's first match wins; later ones rarely count).
    if (dirs.size() >= kMaxSearchDirs) break;
    if (!seen_entries.insert(entry).second) continue;
    // An absolute entry names a system directory on disk, and the release root in an archive;
    // $ORIGIN entries are the release's wherever the release is.
    bool absolute = !entry.empty() && entry[0] == '/';
    if (absolute && location.container.empty()) continue;
    for (auto dir : expand(entry, origin, elf)) {
      if (absolute) dir = location.container + dir.substr(1);
      if (dir.empty()) continue;
      dir = normalize_path(dir);
      if (seen_dirs.insert(dir).second) dirs.push_back(std::move(dir));
    }
  }
  return dirs;
}

void resolve_release(std::vector<Facts*>& files,
                     const std::vector<std::pair<std::string, std::string>>& aliases,
                     const std::map<std::string, ImageLoader>& image_loaders) {
  // Looked up for every NEEDED entry in every search directory: hashed, so that the cost per
  // lookup does not grow with the release.
  std::unordered_map<std::string, const Facts*> by_path;
  for (const Facts* file : files) by_path[normalize_path(file->path)] = file;
  std::vector<std::pair<std::string, std::string>> normalized;
  normalized.reserve(aliases.size());
  for (const auto& [alias, target] : aliases) {
    normalized.emplace_back(normalize_path(alias), normalize_path(target));
  }
  // Aliases may chain (libz.so -> libz.so.1 -> libz.so.1.3); a few rounds settle them.
  for (int round = 0; round < 8; ++round) {
    for (const auto& [alias, target] : normalized) {
      auto found = by_path.find(target);
      if (found != by_path.end()) by_path.emplace(alias, found->second);
    }
  }
  for (Facts* file : files) {
    file->bundled.clear();
    file->bundled_paths.clear();
    std::map<std::string, const Facts*> resolved;
    auto dirs = library_search_dirs(*file);
    auto image = image_loaders.find(file->container);
    for (const auto& soname : file->elf.needed) {
      std::vector<std::string> candidates;
      for (const auto& dir : dirs) candidates.push_back(normalize_path(dir + "/" + soname));
      // In a container image, what RUNPATH does not find the image's own loader looks for.
      if (image != image_loaders.end()) {
        auto more = image_candidates(image->second, *file, soname);
        candidates.insert(candidates.end(), more.begin(), more.end());
      }
      for (const auto& candidate : candidates) {
        auto found = by_path.find(candidate);
        if (found == by_path.end() || found->second == file) continue;
        file->bundled.push_back(soname);
        file->bundled_paths.push_back(found->second->path);
        resolved[soname] = found->second;
        break;
      }
    }
    file->undefined_versions = undefined_versions(*file, resolved);
  }
}

ReleaseIndex index_release(const std::vector<const Facts*>& release_files) {
  ReleaseIndex index;
  index.reserve(release_files.size());
  for (const Facts* file : release_files) index.emplace(file->path, file);
  return index;
}

std::map<std::string, ReleaseIndex> resolve_releases(AnalysedInputs& analysed) {
  std::map<std::string, std::vector<Facts*>> releases;
  for (auto& slot : analysed.files) {
    if (auto* facts = std::get_if<Facts>(slot.get())) releases[facts->release].push_back(facts);
  }
  for (auto& facts : analysed.neighbours) releases[facts.release].push_back(&facts);
  std::vector<std::pair<std::string, std::string>> aliases;
  for (const auto& alias : analysed.stats.aliases) aliases.emplace_back(alias.alias, alias.target);
  std::map<std::string, ReleaseIndex> indexes;
  for (auto& [name, files] : releases) {
    resolve_release(files, aliases, analysed.stats.image_loaders);
    indexes[name] = index_release({files.begin(), files.end()});
  }
  return indexes;
}

std::vector<const Facts*> bundled_closure(const Facts& file, const ReleaseIndex& release) {
  std::vector<const Facts*> closure;
  std::set<std::string> seen{file.path};
  std::vector<const Facts*> queue{&file};
  for (size_t i = 0; i < queue.size(); ++i) {
    for (const auto& path : queue[i]->bundled_paths) {
      auto found = release.find(path);
      if (found == release.end() || !seen.insert(path).second) continue;
      closure.push_back(found->second);
      queue.push_back(found->second);
    }
  }
  return closure;
}

}  // namespace portcheck
