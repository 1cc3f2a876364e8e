// The merged file system of a container image: paths, links and directories as a process in
// the image sees them, and what the image's own loader finds (ld.so.cache, system
// directories, musl's path file).
#include <algorithm>
#include <cstring>
#include <deque>
#include <optional>
#include <set>

#include "member.hpp"
#include "portcheck/image.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

constexpr int kMaxLinks = 40;  // as Linux, path_resolution(7)

}  // namespace

std::optional<std::string> follow_links(const std::string& path, const PathLookup& lookup) {
  std::vector<std::string> done;
  std::deque<std::string> todo;
  auto push_front = [&todo](const std::string& text) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = std::min(text.find('/', start), text.size());
      if (end > start) parts.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    todo.insert(todo.begin(), parts.begin(), parts.end());
  };
  auto joined = [&done] {
    std::string text;
    for (const auto& part : done) text += (text.empty() ? "" : "/") + part;
    return text;
  };
  push_front(path);
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
    PathStep step = lookup(joined());
    if (step.kind == PathStep::Kind::missing) return std::nullopt;
    if (step.kind == PathStep::Kind::other) continue;
    if (++links > kMaxLinks || step.target.empty()) return std::nullopt;
    done.pop_back();
    if (step.target[0] == '/') done.clear();
    push_front(step.target);
  }
  return joined();
}

std::optional<std::string> resolve_in_image(const ImageTree& tree, const std::string& path) {
  return follow_links(path, [&tree](const std::string& here) {
    auto found = tree.find(here);
    if (found == tree.end()) {
      return PathStep{
          is_image_directory(tree, here) ? PathStep::Kind::other : PathStep::Kind::missing, ""};
    }
    if (found->second.kind == ImageNode::Kind::symlink) {
      return PathStep{PathStep::Kind::symlink, found->second.target};
    }
    return PathStep{PathStep::Kind::other, ""};
  });
}

bool is_image_directory(const ImageTree& tree, const std::string& path) {
  if (path.empty()) return true;
  auto found = tree.find(path);
  if (found != tree.end()) return found->second.kind == ImageNode::Kind::directory;
  auto below = tree.lower_bound(path + "/");
  return below != tree.end() && below->first.compare(0, path.size() + 1, path + "/") == 0;
}

std::vector<std::string> list_image_directory(const ImageTree& tree, const std::string& path) {
  std::vector<std::string> names;
  std::string prefix = path.empty() ? "" : path + "/";
  for (auto at = tree.lower_bound(prefix);
       at != tree.end() && at->first.compare(0, prefix.size(), prefix) == 0;) {
    std::string rest = at->first.substr(prefix.size());
    size_t slash = rest.find('/');
    std::string name = rest.substr(0, slash);
    if (!name.empty()) names.push_back(name);
    // Past everything below this name ('0' follows '/').
    at = slash == std::string::npos ? std::next(at) : tree.lower_bound(prefix + name + "0");
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

bool is_loader_configuration(const std::string& path) {
  return path == "etc/ld.so.cache" ||
         (starts_with(path, "etc/ld-musl-") && ends_with(path, ".path") &&
          path.find('/', 4) == std::string::npos);
}

namespace {

// glibc's ld.so.cache (elf/cache.c): the new format, alone (glibc 2.32 and later) or after the
// old one ("compat", before): a 48-byte header, entries of 24 bytes, offsets into the file.
constexpr char kNewCacheMagic[] = "glibc-ld.so.cache1.1";
constexpr char kOldCacheMagic[] = "ld.so-1.7.0";

uint32_t read_u32(const std::vector<uint8_t>& bytes, size_t at) {
  uint32_t value = 0;
  std::memcpy(&value, bytes.data() + at, 4);
  return value;  // the image's byte order; little-endian architectures only
}

std::optional<std::string> cache_string(const std::vector<uint8_t>& bytes, size_t at) {
  if (at >= bytes.size()) return std::nullopt;
  const void* end =
      std::memchr(bytes.data() + at, 0, std::min(bytes.size() - at, inputs::kMaxPath + 1));
  if (!end) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(bytes.data() + at),
                     static_cast<const uint8_t*>(end) - (bytes.data() + at));
}

// The entries of a cache; none for one this reader does not know (the loader then searches its
// system directories, as it does with a damaged cache).
std::vector<std::pair<LoaderCacheEntry, std::string>> parse_cache(
    const std::vector<uint8_t>& bytes) {
  std::vector<std::pair<LoaderCacheEntry, std::string>> entries;
  size_t start = 0;
  if (bytes.size() >= 16 && std::memcmp(bytes.data(), kOldCacheMagic, 11) == 0) {
    uint64_t old = read_u32(bytes, 12);
    start =
        static_cast<size_t>(std::min<uint64_t>((16 + old * 12 + 7) & ~uint64_t{7}, bytes.size()));
  }
  if (bytes.size() < start + 48 || std::memcmp(bytes.data() + start, kNewCacheMagic, 20) != 0) {
    return entries;
  }
  uint64_t count = read_u32(bytes, start + 20);
  // A cache of more libraries than any system has is no cache the loader is given.
  constexpr uint64_t kMaxCacheEntries = 65536;
  if (count > (bytes.size() - start - 48) / 24 || count > kMaxCacheEntries) return entries;
  for (uint64_t i = 0; i < count; ++i) {
    size_t at = start + 48 + static_cast<size_t>(i) * 24;
    auto key = cache_string(bytes, start + read_u32(bytes, at + 4));
    auto value = cache_string(bytes, start + read_u32(bytes, at + 8));
    if (!key || !value || value->empty() || (*value)[0] != '/') continue;
    entries.push_back({LoaderCacheEntry{*key, "", read_u32(bytes, at)}, *value});
  }
  return entries;
}

const std::vector<uint8_t>* kept_content(const ImageTree& tree, const std::string& path) {
  auto real = resolve_in_image(tree, path);
  auto found = real ? tree.find(*real) : tree.end();
  return found != tree.end() && found->second.content ? found->second.content.get() : nullptr;
}

std::vector<std::string> musl_path_dirs(const std::vector<uint8_t>& bytes) {
  std::vector<std::string> dirs;
  std::string dir;
  for (uint8_t byte : bytes) {
    if (byte == ':' || byte == '\n') {
      if (!dir.empty()) dirs.push_back(dir);
      dir.clear();
    } else {
      dir += static_cast<char>(byte);
    }
  }
  if (!dir.empty()) dirs.push_back(dir);
  return dirs;
}

}  // namespace

ImageLoader image_loader(const ImageTree& tree, const std::string& display) {
  ImageLoader loader;
  std::string prefix = display + "!/";
  if (const auto* cache = kept_content(tree, "etc/ld.so.cache")) {
    for (auto& [entry, path] : parse_cache(*cache)) {
      auto real = resolve_in_image(tree, path);
      if (!real) continue;  // a stale entry: the loader fails to open it and goes on
      entry.path = prefix + *real;
      loader.cache.push_back(std::move(entry));
    }
  }
  std::vector<std::string> candidates{"lib", "usr/lib", "lib64", "usr/lib64", "usr/local/lib"};
  for (const char* top : {"lib", "usr/lib"}) {
    auto real = resolve_in_image(tree, top);
    if (!real) continue;
    for (const auto& name : list_image_directory(tree, *real)) {
      if (name.find("-linux-") != std::string::npos)
        candidates.push_back(std::string(top) + "/" + name);
    }
  }
  for (const auto& dir : candidates) {
    auto real = resolve_in_image(tree, dir);
    if (real && is_image_directory(tree, *real)) loader.dirs[dir] = prefix + *real;
  }
  for (const auto& name : list_image_directory(tree, "etc")) {
    if (!is_loader_configuration("etc/" + name) || name == "ld.so.cache") continue;
    const auto* bytes = kept_content(tree, "etc/" + name);
    if (!bytes) continue;
    std::string arch = name.substr(8, name.size() - 8 - 5);  // ld-musl-<arch>.path
    auto& dirs = loader.musl_paths[arch];
    for (const auto& dir : musl_path_dirs(*bytes)) {
      auto real = resolve_in_image(tree, dir);
      if (real) dirs.push_back(prefix + *real);
    }
  }
  return loader;
}

}  // namespace portcheck
