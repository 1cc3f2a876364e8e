#include <algorithm>
#include <set>
#include <unordered_map>

#include "portcheck/release.hpp"

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
                     const std::vector<std::pair<std::string, std::string>>& aliases) {
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
    auto dirs = library_search_dirs(*file);
    for (const auto& soname : file->elf.needed) {
      for (const auto& dir : dirs) {
        auto found = by_path.find(normalize_path(dir + "/" + soname));
        if (found == by_path.end() || found->second == file) continue;
        file->bundled.push_back(soname);
        file->bundled_paths.push_back(found->second->path);
        break;
      }
    }
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
    resolve_release(files, aliases);
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
