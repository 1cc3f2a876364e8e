#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "archive.hpp"

namespace portcheck {
namespace {

using DirId = std::pair<dev_t, ino_t>;

std::string modified_date(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "";
  return iso_date(info.st_mtime);
}

struct Walker {
  const WalkOptions& options;
  const InputSink& sink;
  WalkStats& stats;
  std::string release;
  std::set<DirId> visited;
  std::map<DirId, std::string> files_seen;  // each file analysed once, under its first name
  std::string root, real_root;

  inputs::ArchiveContext archive_context(bool named = false) const {
    return {release, options, sink, stats, named};
  }

  void error(const std::string& path, ErrorKind kind, const std::string& message) {
    InputItem item;
    item.path = path;
    item.release = release;
    item.error = FileError{path, kind, message};
    sink(std::move(item));
  }

  // A file named on the command line (`named`) or met in a directory: ELF is analysed, archives
  // are streamed from disk, anything else is an error when named and counted when met.
  void file(const std::string& path, bool named) {
    // The first bytes tell ELF and archives from the rest; only ELF files are read whole.
    Result<InputFile> head = read_input(path, 512);
    if (auto* failure = std::get_if<FileError>(&head)) {
      error(path, failure->kind, failure->message);
      return;
    }
    const auto& first = std::get<InputFile>(head).bytes;
    if (!has_elf_magic(first) && has_archive_magic(first)) {
      inputs::read_archive_file(path, path, archive_context(named));
      return;
    }
    if (!has_elf_magic(first) && !named) {
      ++stats.skipped;
      return;
    }
    Result<FileBytes> input = map_input(path);
    if (auto* failure = std::get_if<FileError>(&input)) {
      error(path, failure->kind, failure->message);
      return;
    }
    // Not ELF when named: the loader says so in its own words.
    sink(InputItem{path, release, path, std::move(std::get<FileBytes>(input)), std::nullopt,
                   modified_date(path)});
  }

  std::vector<std::string> sorted_entries(const std::string& dir) {
    std::vector<std::string> names;
    DIR* handle = ::opendir(dir.c_str());
    if (!handle) {
      error(dir, ErrorKind::unreadable, std::strerror(errno));
      return names;
    }
    while (dirent* entry = ::readdir(handle)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(handle);
    std::sort(names.begin(), names.end());  // byte order: the same on every machine
    return names;
  }

  void directory(const std::string& dir, const struct stat& info) {
    if (!visited.insert({info.st_dev, info.st_ino}).second) {
      ++stats.symlink_loops;
      return;
    }
    for (const auto& name : sorted_entries(dir)) {
      std::string path = dir == "/" ? "/" + name : dir + "/" + name;
      if (inputs::excluded(options, path)) {
        ++stats.excluded;
        continue;
      }
      struct stat entry {
      }, link{};
      if (::stat(path.c_str(), &entry) != 0) continue;  // a dangling symlink names nothing
      if (S_ISDIR(entry.st_mode))
        directory(path, entry);
      else if (S_ISREG(entry.st_mode) && !is_alias(path, entry, link))
        file(path, false);
    }
  }

  // A symlink to a file inside the tree, or a second hard link, names a file analysed under its
  // own name: it is recorded as an alias for resolving NEEDED entries, not analysed twice.
  bool is_alias(const std::string& path, const struct stat& info, struct stat& link) {
    DirId id{info.st_dev, info.st_ino};
    bool symlink = ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode);
    if (symlink) {
      std::string target = inside_tree(path);
      if (target.empty()) return false;  // outside the tree: analysed under the link's name
      stats.aliases.push_back({path, target});
      return true;
    }
    auto [seen, inserted] = files_seen.emplace(id, path);
    if (inserted) return false;
    stats.aliases.push_back({path, seen->second});
    return true;
  }

  // The path, under the walked root, of a symlink's final target; empty if outside the tree.
  std::string inside_tree(const std::string& path) const {
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (!resolved) return "";
    std::string real = resolved;
    std::free(resolved);
    if (real_root.empty() || real.rfind(real_root + "/", 0) != 0) return "";
    return root + real.substr(real_root.size());
  }

  // Each argument is a release of its own, walked afresh even where arguments overlap.
  void argument(const std::string& path) {
    release = path;
    visited.clear();
    files_seen.clear();
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      int code = errno;
      error(path, code == ENOENT || code == ENOTDIR ? ErrorKind::not_found : ErrorKind::unreadable,
            std::strerror(code));
      return;
    }
    if (S_ISDIR(info.st_mode)) {
      root = path.size() > 1 && path.back() == '/' ? path.substr(0, path.size() - 1) : path;
      char* resolved = ::realpath(root.c_str(), nullptr);
      real_root = resolved ? resolved : "";
      std::free(resolved);
      directory(root, info);
    } else {
      file(path, true);
    }
  }
};

}  // namespace

bool is_excluded(const WalkOptions& options, const std::string& path) {
  return inputs::excluded(options, path);
}

void walk_inputs(const std::vector<std::string>& args, const WalkOptions& options,
                 const InputSink& sink, WalkStats& stats) {
  Walker walker{options, sink, stats, "", {}, {}, "", ""};
  for (const auto& path : args) walker.argument(path);
}

}  // namespace portcheck
