// Container images: `docker save` and `podman save` archives and OCI image layouts (a directory or
// a tar of one). Each platform of an image is the file system its layers make once applied in
// order, whiteouts honoured; the layers are streamed, never held whole, and checked against
// their digests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "portcheck/file_error.hpp"
#include "portcheck/inputs.hpp"

namespace portcheck {

struct ImageNode {
  enum class Kind { file, directory, symlink, hardlink, other };
  Kind kind = Kind::file;
  std::string target;  // a symlink's target as stored; a hard link's file, as a path in the image
                       // (a hard link is a file of its own: links are not followed through it)
  uint64_t size = 0;
  size_t layer = 0;  // the layer that wrote it, 0 the lowest
  size_t entry = 0;  // its position among that layer's members
  // Where its bytes are, for a file and a hard link (its file's, which may since be gone under
  // its own name): the layer and the position of the member holding them.
  bool has_data = false;
  size_t data_layer = 0, data_entry = 0;
  // What the file holds, when the reader was asked to keep it.
  std::shared_ptr<const std::vector<uint8_t>> content;
};

// The merged file system by path inside the image, without a leading '/': "usr/bin/tool".
using ImageTree = std::map<std::string, ImageNode>;

struct ImagePlatform {
  std::string name;  // "linux/amd64", "linux/arm/v7"; "" when the image does not say
  ImageTree tree;
};

// An image's platforms, in the order of its manifest or index.
struct ContainerImage {
  std::vector<ImagePlatform> platforms;
  std::vector<std::string> others;  // platforms left out by the --platform given
};

struct ImageReadOptions {
  std::string platform;  // "linux/arm64": that platform only; "" for every one
  size_t memory_budget = size_t{4} << 30;
  // Whose content is kept in the tree (for a capture); none when unset.
  std::function<bool(const std::string& path)> keep;
};

// A directory holding an OCI image layout (oci-layout and index.json), or a tar (of any
// compression) whose first member is one of an image's: manifest.json, index.json, oci-layout,
// repositories, blobs/ or a layer directory named by its digest.
bool is_container_image(const std::string& path);

// Reads the image at `path` on disk.
Result<ContainerImage> read_container_image(const std::string& path,
                                            const ImageReadOptions& options);

// The names of an image's platforms, from its manifests alone (no layer is read).
Result<std::vector<std::string>> read_image_platform_names(const std::string& path);

// What one prefix of a path ("usr", "usr/lib", no leading '/') is: missing, a link (its
// target), or anything else.
struct PathStep {
  enum class Kind { missing, other, symlink };
  Kind kind = Kind::other;
  std::string target;
};
using PathLookup = std::function<PathStep(const std::string& prefix)>;

// Where `path` leads once every link is followed, the way a process chrooted at the root sees
// it: a symlink's target is read from its directory (from the root when absolute), ".." never
// leaves the root, and Linux's 40 links at most. Without a
// leading '/'; nullopt when a component is missing or the links loop.
std::optional<std::string> follow_links(const std::string& path, const PathLookup& lookup);

// Where `path` leads inside the image once every symlink is followed (an absolute target starts
// again at the image's root, ".." never leaves it), without a leading '/'; nullopt when a
// component is missing or the links loop.
std::optional<std::string> resolve_in_image(const ImageTree& tree, const std::string& path);

// What the loader of the image finds by itself, its paths written `display` + "!/" + path.
ImageLoader image_loader(const ImageTree& tree, const std::string& display);

// Whether a path (no links followed) is a directory of the image: one named as such, or one that
// holds a member of it.
bool is_image_directory(const ImageTree& tree, const std::string& path);

// The names in a directory of the image (no links followed), sorted.
std::vector<std::string> list_image_directory(const ImageTree& tree, const std::string& path);

// Whether the image file at `path` is one the loader reads: /etc/ld.so.cache, musl's
// /etc/ld-musl-<arch>.path. Their content is kept in the tree.
bool is_loader_configuration(const std::string& path);

}  // namespace portcheck
