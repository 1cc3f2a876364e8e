// Paths inside a root file system, seen the way a process chrooted there would see them: an
// absolute symlink target starts again at the root and ".." never leaves it, so an unpacked
// image's /lib64/ld-linux-x86-64.so.2 -> /lib/... resolves inside the image, not on the host.
// The root is a directory on the host, or a container image's file system held in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "portcheck/image.hpp"

namespace portcheck::capture {

struct RootFs {
  std::string root;  // the root as given, for messages and sources
  std::string host;  // its absolute host path without a trailing slash; "" for the host's "/"
  // A container image's merged file system instead of a directory on the host; only the files
  // whose content the image reader kept can be read.
  std::shared_ptr<const ImageTree> image;
};

// The path inside the root that `path` leads to once every symlink is followed, or nullopt when
// a component is missing or the links loop.
std::optional<std::string> resolve(const RootFs& fs, const std::string& path);
// Where a path inside the root is on the host.
std::string host_path(const RootFs& fs, const std::string& path);

bool is_directory(const RootFs& fs, const std::string& path);
bool is_regular_file(const RootFs& fs, const std::string& path);
// The names in a directory of the root, sorted; empty when it is not a directory.
std::vector<std::string> list_directory(const RootFs& fs, const std::string& path);
// The first `limit` bytes of a regular file; nullopt for anything else.
std::optional<std::vector<uint8_t>> read_file(const RootFs& fs, const std::string& path,
                                              size_t limit = SIZE_MAX);
std::optional<std::string> read_text(const RootFs& fs, const std::string& path);

}  // namespace portcheck::capture
