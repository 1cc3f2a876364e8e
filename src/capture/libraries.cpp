#include "libraries.hpp"

#include <map>
#include <regex>
#include <set>

#include "portcheck/load.hpp"

namespace portcheck::capture {
namespace {

bool has_elf_magic(const RootFs& fs, const std::string& path) {
  auto head = read_file(fs, path, 4);
  return head && head->size() == 4 && (*head)[0] == 0x7f && (*head)[1] == 'E' &&
         (*head)[2] == 'L' && (*head)[3] == 'F';
}

// The soname pattern of docs/baselines.schema.json; skips linker scripts' companions, Python
// modules and the like before any file is read.
bool soname_shaped(const std::string& name) {
  static const std::regex pattern(R"([A-Za-z0-9_.+-]+\.so(\.[0-9A-Za-z_]+)*)");
  return std::regex_match(name, pattern);
}

// DT_SONAME of a shared object for `machine`; nullopt for anything else. Reading every library
// whole is what makes a capture take seconds, so each file is read once, whatever its names.
std::optional<std::string> soname_of(const RootFs& fs, const std::string& path,
                                     const std::string& machine) {
  if (!has_elf_magic(fs, path)) return std::nullopt;
  Result<ElfFacts> loaded = load_root_elf(fs, path);
  const auto* elf = std::get_if<ElfFacts>(&loaded);
  // libc.so.6 has an interpreter and runs as a program, so it counts as a PIE executable.
  bool shared =
      elf && (elf->type == FileType::shared_library || elf->type == FileType::pie_executable);
  if (!shared || elf->machine != machine) return std::nullopt;
  return elf->soname;
}

}  // namespace

std::vector<std::string> triplet_directories(const RootFs& fs) {
  std::set<std::string> found;  // /lib is often a link to /usr/lib: each directory once
  std::vector<std::string> dirs;
  for (const char* parent : {"/lib", "/usr/lib"}) {
    for (const auto& name : list_directory(fs, parent)) {
      std::string dir = std::string(parent) + "/" + name;
      if (name.find("-linux-") == std::string::npos || !is_directory(fs, dir)) continue;
      if (found.insert(*resolve(fs, dir)).second) dirs.push_back(dir);
    }
  }
  return dirs;
}

std::vector<std::string> standard_directories(const RootFs& fs, const std::string& triplet) {
  std::vector<std::string> candidates{"/lib", "/lib64", "/usr/lib", "/usr/lib64"};
  if (!triplet.empty()) {
    candidates.push_back("/lib/" + triplet);
    candidates.push_back("/usr/lib/" + triplet);
  }
  std::vector<std::string> dirs;
  for (const auto& dir : candidates) {
    if (is_directory(fs, dir)) dirs.push_back(dir);
  }
  return dirs;
}

Result<ElfFacts> load_root_elf(const RootFs& fs, const std::string& path) {
  auto bytes = read_file(fs, path);
  if (!bytes) return FileError{path, ErrorKind::unreadable, "not a readable regular file"};
  return load_elf(path, std::move(*bytes));
}

std::optional<std::string> find_library(const RootFs& fs, const std::vector<std::string>& dirs,
                                        const std::string& name) {
  for (const auto& dir : dirs) {
    if (is_regular_file(fs, dir + "/" + name)) return dir + "/" + name;
  }
  return std::nullopt;
}

std::vector<std::string> present_sonames(const RootFs& fs, const std::vector<std::string>& dirs,
                                         const std::string& machine) {
  std::map<std::string, std::optional<std::string>> soname_by_file;
  std::set<std::string> sonames;
  for (const auto& dir : dirs) {
    for (const auto& name : list_directory(fs, dir)) {
      if (!soname_shaped(name)) continue;
      auto file = resolve(fs, dir + "/" + name);
      if (!file || !is_regular_file(fs, *file)) continue;
      auto known = soname_by_file.find(*file);
      if (known == soname_by_file.end()) {
        known = soname_by_file.emplace(*file, soname_of(fs, *file, machine)).first;
      }
      if (known->second == name) sonames.insert(name);
    }
  }
  return {sonames.begin(), sonames.end()};
}

}  // namespace portcheck::capture
