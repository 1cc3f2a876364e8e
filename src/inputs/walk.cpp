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
#include "image.hpp"
#include "portcheck/image.hpp"
#include "portcheck/strings.hpp"
#include "rpm.hpp"
#include "squashfs.hpp"

namespace portcheck {
namespace {

using DirId = std::pair<dev_t, ino_t>;

std::string modified_date(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "";
  return iso_date(info.st_mtime);
}

std::string counted_noun(size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

struct Walker {
  const WalkOptions& options;
  const InputSink& sink;
  WalkStats& stats;
  std::string release;
  std::set<DirId> visited;
  std::map<DirId, std::string> files_seen;  // each file analysed once, under its first name
  std::string root, real_root;
  size_t items = 0;  // handed on for the current argument, errors included
  // Directories reached through a symlink, walked after every real directory: a real directory
  // is then always walked under its own name, even when a symlink to it sorts first and
  // --exclude leaves out what lies under the symlink's name.
  std::vector<std::pair<std::string, struct stat>> linked_dirs = {};
  InputSink counted = [this](InputItem item) {
    ++items;
    sink(std::move(item));
  };

  inputs::ArchiveContext archive_context(bool named = false) const {
    return {release, options, counted, stats, named};
  }

  void error(const std::string& path, ErrorKind kind, const std::string& message) {
    InputItem item;
    item.path = path;
    item.release = release;
    item.error = FileError{path, kind, message};
    counted(std::move(item));
  }

  // A file of the run's own output met among the inputs: the report must not be written.
  bool is_output(const struct stat& info) const {
    return options.outputs.count({info.st_dev, info.st_ino}) > 0;
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
    if (auto image = inputs::appimage_image_offset(first)) {
      inputs::read_appimage_file(path, *image, modified_date(path), archive_context(named));
      return;
    }
    if (inputs::has_rpm_lead(first)) {
      inputs::read_rpm_file(path, path, archive_context(named));
      return;
    }
    if (inputs::has_squashfs_magic(first)) {
      inputs::read_squashfs_file(path, path, archive_context(named));
      return;
    }
    if (!has_elf_magic(first) && has_archive_magic(first) && is_container_image(path)) {
      inputs::read_image_input(path, archive_context(named));
      return;
    }
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
    counted(InputItem{path, release, path, std::move(std::get<FileBytes>(input)), std::nullopt,
                      modified_date(path), ""});
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
    size_t denied = 0;
    for (const auto& name : sorted_entries(dir)) {
      std::string path = dir == "/" ? "/" + name : dir + "/" + name;
      if (inputs::excluded(options, path)) {
        ++stats.excluded;
        continue;
      }
      struct stat entry {};
      if (::stat(path.c_str(), &entry) != 0) {
        if (errno == EACCES)
          ++denied;
        else if (!is_dangling(path))
          error(path, ErrorKind::unreadable, std::strerror(errno));
        continue;
      }
      if (is_output(entry)) stats.outputs_met.push_back(path);
      if (S_ISDIR(entry.st_mode) && is_container_image(path))
        inputs::read_image_input(path, archive_context());
      else if (S_ISDIR(entry.st_mode) && is_symlink(path))
        linked_dirs.emplace_back(path, entry);
      else if (S_ISDIR(entry.st_mode))
        directory(path, entry);
      else if (S_ISREG(entry.st_mode) && !is_alias(path, entry))
        file(path, false);
    }
    // A directory that can be listed but not searched: its entries are named but unchecked.
    if (denied) {
      error(dir, ErrorKind::unreadable,
            "permission denied: " + counted_noun(denied, "entry", "entries") +
                " of the directory not checked");
    }
  }

  static bool is_symlink(const std::string& path) {
    struct stat link {};
    return ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode);
  }

  void walk_tree(const std::string& top, const struct stat& info) {
    linked_dirs.clear();
    directory(top, info);
    for (size_t i = 0; i < linked_dirs.size(); ++i) {
      auto [path, entry] = linked_dirs[i];  // a copy: walking it may add more
      directory(path, entry);
    }
  }

  // A symlink whose target does not exist (or loops) names nothing: there is nothing to check.
  static bool is_dangling(const std::string& path) {
    int code = errno;
    bool dangling = (code == ENOENT || code == ELOOP) && is_symlink(path);
    errno = code;
    return dangling;
  }

  // A symlink to a file inside the tree, or a second hard link, names a file analysed under its
  // own name: it is recorded as an alias for resolving NEEDED entries, not analysed twice.
  bool is_alias(const std::string& path, const struct stat& info) {
    DirId id{info.st_dev, info.st_ino};
    if (is_symlink(path)) {
      std::string target = inside_tree(path);
      // Outside the tree, or inside a part of it --exclude leaves out: the real file is not
      // analysed under its own name, so it is analysed under the link's.
      if (target.empty() || excluded_in_tree(target)) return false;
      stats.aliases.push_back({path, target});
      return true;
    }
    auto [seen, inserted] = files_seen.emplace(id, path);
    if (inserted) return false;
    stats.aliases.push_back({path, seen->second});
    return true;
  }

  // Whether --exclude leaves out `path` (under the root) or one of the directories above it.
  bool excluded_in_tree(const std::string& path) const {
    for (size_t end = path.size(); end > root.size() && end != std::string::npos;
         end = path.rfind('/', end - 1)) {
      if (inputs::excluded(options, path.substr(0, end))) return true;
    }
    return false;
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
    items = 0;
    size_t skipped = stats.skipped, excluded = stats.excluded;
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      int code = errno;
      error(path, code == ENOENT || code == ENOTDIR ? ErrorKind::not_found : ErrorKind::unreadable,
            std::strerror(code));
      return;
    }
    if (S_ISDIR(info.st_mode) && is_container_image(path)) {
      inputs::read_image_input(path, archive_context(true));
    } else if (S_ISDIR(info.st_mode)) {
      root = path.size() > 1 && path.back() == '/' ? path.substr(0, path.size() - 1) : path;
      char* resolved = ::realpath(root.c_str(), nullptr);
      real_root = resolved ? resolved : "";
      std::free(resolved);
      walk_tree(root, info);
    } else {
      if (is_output(info)) stats.outputs_met.push_back(path);
      file(path, true);
    }
    // A directory or archive holding no ELF file is not a release that passes: it is said.
    if (items == 0) {
      error(path, ErrorKind::not_elf,
            std::string(S_ISDIR(info.st_mode) ? "the directory" : "the archive") +
                " holds no ELF file (" +
                counted_noun(stats.skipped - skipped, "other file", "other files") + ", " +
                counted_noun(stats.excluded - excluded, "excluded entry", "excluded entries") +
                ")");
    }
  }
};

}  // namespace

bool is_excluded(const WalkOptions& options, const std::string& path) {
  return inputs::excluded(options, path);
}

void walk_inputs(const std::vector<std::string>& args, const WalkOptions& options,
                 const InputSink& sink, WalkStats& stats) {
  Walker walker{options, sink, stats, "", {}, {}, "", "", 0};
  for (const auto& path : args) walker.argument(path);
}

}  // namespace portcheck
