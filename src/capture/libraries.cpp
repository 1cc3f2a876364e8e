#include "libraries.hpp"

#include <fnmatch.h>

#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "portcheck/load.hpp"
#include "portcheck/strings.hpp"

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

// DT_SONAME and version definitions of a shared object for `machine`; nullopt for anything
// else. Reading every library whole is what makes a capture take seconds, so each file is read
// once, whatever its names.
std::optional<PresentLibrary> library_of(const RootFs& fs, const std::string& path,
                                         const std::string& machine) {
  if (!has_elf_magic(fs, path)) return std::nullopt;
  Result<ElfFacts> loaded = load_root_elf(fs, path);
  const auto* elf = std::get_if<ElfFacts>(&loaded);
  // libc.so.6 has an interpreter and runs as a program, so it counts as a PIE executable.
  bool shared =
      elf && (elf->type == FileType::shared_library || elf->type == FileType::pie_executable);
  if (!shared || elf->machine != machine || !elf->soname) return std::nullopt;
  return PresentLibrary{*elf->soname, path, elf->version_defs};
}

std::string trimmed(const std::string& line) {
  size_t first = line.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  size_t last = line.find_last_not_of(" \t\r");
  return line.substr(first, last - first + 1);
}

// Paths matching a glob of ld.so.conf's `include` ("/etc/ld.so.conf.d/*.conf"): only the last
// component may hold wildcards, which is what every distribution writes.
std::vector<std::string> glob_in_root(const RootFs& fs, const std::string& pattern) {
  size_t slash = pattern.rfind('/');
  std::string dir = slash == std::string::npos ? "/etc" : pattern.substr(0, slash);
  std::string name = pattern.substr(slash == std::string::npos ? 0 : slash + 1);
  std::vector<std::string> paths;
  for (const auto& entry : list_directory(fs, dir)) {
    if (::fnmatch(name.c_str(), entry.c_str(), 0) == 0) paths.push_back(dir + "/" + entry);
  }
  return paths;
}

void read_ld_so_conf(const RootFs& fs, const std::string& path, int depth,
                     std::vector<std::string>& dirs) {
  auto text = depth < 8 ? read_text(fs, path) : std::nullopt;  // includes may loop
  std::istringstream lines(text.value_or(""));
  std::string line;
  while (std::getline(lines, line)) {
    line = trimmed(line.substr(0, line.find('#')));
    if (line.rfind("include", 0) == 0 && line.size() > 7 &&
        std::isspace(static_cast<unsigned char>(line[7]))) {
      std::string pattern = trimmed(line.substr(8));
      if (!pattern.empty() && pattern[0] != '/') pattern = "/etc/" + pattern;
      for (const auto& file : glob_in_root(fs, pattern)) read_ld_so_conf(fs, file, depth + 1, dirs);
    } else if (!line.empty() && line[0] == '/') {
      dirs.push_back(line);
    }
  }
}

// The files whose packages are wanted, and their file names: a package lists the real file
// under its own name (perhaps through a linked directory), so only listed paths with one of
// these names are resolved; resolving every listed path of a full host takes minutes.
struct WantedFiles {
  std::set<std::string> files;
  std::set<std::string> names;
  bool named(const std::string& path) const { return names.count(file_name(path)) == 1; }
  bool has(const std::optional<std::string>& file) const { return file && files.count(*file); }
};

// dpkg: one info/<package>[:<arch>].list per package, one path per line.
void read_dpkg_lists(const RootFs& fs, const WantedFiles& wanted,
                     std::map<std::string, std::string>& owner) {
  const std::string info = "/var/lib/dpkg/info";
  for (const auto& name : list_directory(fs, info)) {
    if (name.size() < 6 || !ends_with(name, ".list")) continue;
    std::string package = name.substr(0, name.size() - 5);
    package = package.substr(0, package.find(':'));
    std::istringstream lines(read_text(fs, info + "/" + name).value_or(""));
    std::string path;
    while (std::getline(lines, path)) {
      if (!wanted.named(path)) continue;
      auto file = resolve(fs, path);
      if (wanted.has(file)) owner.emplace(*file, package);
    }
  }
}

// apk: paragraphs of "P:<package>", then "F:<dir>" followed by its "R:<file>" lines.
void read_apk_installed(const RootFs& fs, const WantedFiles& wanted,
                        std::map<std::string, std::string>& owner) {
  std::istringstream lines(read_text(fs, "/lib/apk/db/installed").value_or(""));
  std::string line, package, dir;
  while (std::getline(lines, line)) {
    if (starts_with(line, "P:")) package = line.substr(2);
    if (starts_with(line, "F:")) dir = "/" + line.substr(2);
    if (!starts_with(line, "R:") || !wanted.named(line.substr(2))) continue;
    auto file = resolve(fs, dir + "/" + line.substr(2));
    if (wanted.has(file)) owner.emplace(*file, package);
  }
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

std::vector<std::string> configured_directories(const RootFs& fs) {
  std::vector<std::string> listed, dirs;
  read_ld_so_conf(fs, "/etc/ld.so.conf", 0, listed);
  std::set<std::string> seen;
  for (const auto& dir : listed) {
    auto real = resolve(fs, dir);
    if (real && is_directory(fs, dir) && seen.insert(*real).second) dirs.push_back(dir);
  }
  return dirs;
}

std::vector<PresentLibrary> present_libraries(const RootFs& fs,
                                              const std::vector<std::string>& dirs,
                                              const std::string& machine) {
  std::map<std::string, std::optional<PresentLibrary>> by_file;
  std::map<std::string, PresentLibrary> by_soname;
  for (const auto& dir : dirs) {
    for (const auto& name : list_directory(fs, dir)) {
      if (!soname_shaped(name)) continue;
      auto file = resolve(fs, dir + "/" + name);
      if (!file || !is_regular_file(fs, *file)) continue;
      auto known = by_file.find(*file);
      if (known == by_file.end()) {
        known = by_file.emplace(*file, library_of(fs, *file, machine)).first;
      }
      if (known->second && known->second->soname == name) by_soname.emplace(name, *known->second);
    }
  }
  std::vector<PresentLibrary> libraries;
  for (auto& [soname, library] : by_soname) libraries.push_back(std::move(library));
  return libraries;
}

std::map<std::string, std::string> packages_of(const RootFs& fs,
                                               const std::vector<std::string>& files) {
  WantedFiles wanted{{files.begin(), files.end()}, {}};
  for (const auto& file : wanted.files) wanted.names.insert(file_name(file));
  std::map<std::string, std::string> owner;
  read_dpkg_lists(fs, wanted, owner);
  read_apk_installed(fs, wanted, owner);
  return owner;
}

}  // namespace portcheck::capture
