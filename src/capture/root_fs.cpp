#include "root_fs.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <memory>

namespace portcheck::capture {
namespace {

// Linux gives up after 40 links in one lookup (path_resolution(7)); so do we.
constexpr int kMaxLinks = 40;

std::deque<std::string> components(const std::string& path) {
  std::deque<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string path;
  for (const auto& part : parts) path += "/" + part;
  return path.empty() ? "/" : path;
}

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

}  // namespace

std::string host_path(const RootFs& fs, const std::string& path) { return fs.host + path; }

std::optional<std::string> resolve(const RootFs& fs, const std::string& path) {
  std::vector<std::string> done;
  std::deque<std::string> todo = components(path);
  int links = 0;
  while (!todo.empty()) {
    std::string part = todo.front();
    todo.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    done.push_back(part);
    std::string host = host_path(fs, joined(done));
    struct stat st {};
    if (::lstat(host.c_str(), &st) != 0) return std::nullopt;
    if (!S_ISLNK(st.st_mode)) continue;
    auto target = link_target(host);
    if (!target || ++links > kMaxLinks) return std::nullopt;
    done.pop_back();
    if ((*target)[0] == '/') done.clear();
    auto more = components(*target);
    todo.insert(todo.begin(), more.begin(), more.end());
  }
  return joined(done);
}

bool is_directory(const RootFs& fs, const std::string& path) {
  auto st = stat_of(fs, path);
  return st && S_ISDIR(st->st_mode);
}

bool is_regular_file(const RootFs& fs, const std::string& path) {
  auto st = stat_of(fs, path);
  return st && S_ISREG(st->st_mode);
}

std::vector<std::string> list_directory(const RootFs& fs, const std::string& path) {
  std::vector<std::string> names;
  auto resolved = resolve(fs, path);
  if (!resolved) return names;
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
