#include "root_fs.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>

namespace portcheck::capture {
namespace {

std::optional<std::string> link_target(const std::string& host) {
  std::string target(4096, '\0');
  ssize_t size = ::readlink(host.c_str(), target.data(), target.size());
  if (size <= 0 || static_cast<size_t>(size) >= target.size()) return std::nullopt;
  target.resize(static_cast<size_t>(size));
  return target;
}

std::optional<struct stat> stat_of(const RootFs& fs, const std::string& path) {
  auto resolved = resolve(fs, path);
  struct stat st {};
  if (!resolved || ::stat(host_path(fs, *resolved).c_str(), &st) != 0) return std::nullopt;
  return st;
}

// The regular file of the image `path` leads to, or nullptr.
const ImageNode* image_file(const RootFs& fs, const std::string& path) {
  auto resolved = resolve(fs, path);
  if (!resolved) return nullptr;
  auto found = fs.image->find(resolved->substr(1));
  if (found == fs.image->end() || !found->second.has_data) return nullptr;
  return &found->second;
}

}  // namespace

std::string host_path(const RootFs& fs, const std::string& path) { return fs.host + path; }

std::optional<std::string> resolve(const RootFs& fs, const std::string& path) {
  auto inside = fs.image
                    ? resolve_in_image(*fs.image, path)
                    : follow_links(path, [&fs](const std::string& prefix) {
                        std::string host = host_path(fs, "/" + prefix);
                        struct stat st {};
                        if (::lstat(host.c_str(), &st) != 0)
                          return PathStep{PathStep::Kind::missing, ""};
                        if (!S_ISLNK(st.st_mode)) return PathStep{PathStep::Kind::other, ""};
                        return PathStep{PathStep::Kind::symlink, link_target(host).value_or("")};
                      });
  if (!inside) return std::nullopt;
  return "/" + *inside;
}

bool is_directory(const RootFs& fs, const std::string& path) {
  if (fs.image) {
    auto resolved = resolve(fs, path);
    return resolved && is_image_directory(*fs.image, resolved->substr(1));
  }
  auto st = stat_of(fs, path);
  return st && S_ISDIR(st->st_mode);
}

bool is_regular_file(const RootFs& fs, const std::string& path) {
  if (fs.image) return image_file(fs, path) != nullptr;
  auto st = stat_of(fs, path);
  return st && S_ISREG(st->st_mode);
}

std::vector<std::string> list_directory(const RootFs& fs, const std::string& path) {
  std::vector<std::string> names;
  auto resolved = resolve(fs, path);
  if (!resolved) return names;
  if (fs.image) return list_image_directory(*fs.image, resolved->substr(1));
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(host_path(fs, *resolved).c_str()), ::closedir);
  if (!dir) return names;
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::vector<uint8_t>> read_file(const RootFs& fs, const std::string& path,
                                              size_t limit) {
  if (fs.image) {
    const ImageNode* node = image_file(fs, path);
    if (!node || !node->content) return std::nullopt;
    size_t size = std::min(limit, node->content->size());
    return std::vector<uint8_t>(node->content->begin(), node->content->begin() + size);
  }
  // Checked first so that a FIFO or a device is never opened.
  if (!is_regular_file(fs, path)) return std::nullopt;
  std::ifstream file(host_path(fs, *resolve(fs, path)), std::ios::binary);
  if (!file) return std::nullopt;
  std::vector<uint8_t> bytes;
  char buffer[65536];
  while (bytes.size() < limit && file.read(buffer, sizeof buffer).gcount() > 0) {
    size_t got = std::min(static_cast<size_t>(file.gcount()), limit - bytes.size());
    bytes.insert(bytes.end(), buffer, buffer + got);
  }
  return bytes;
}

std::optional<std::string> read_text(const RootFs& fs, const std::string& path) {
  auto bytes = read_file(fs, path, 64 << 20);
  if (!bytes) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

}  // namespace portcheck::capture
