#include "image.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <mbedtls/sha256.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <new>
#include <nlohmann/json.hpp>
#include <set>

#include "archive.hpp"
#include "portcheck/image.hpp"
#include "portcheck/strings.hpp"

namespace portcheck::inputs {
namespace {

using Json = nlohmann::json;

// An image that cannot be read as one: thrown inside this file, reported by its entry points.
struct ImageFailure {
  ErrorKind kind;
  std::string message;
};

[[noreturn]] void corrupt(const std::string& message) {
  throw ImageFailure{ErrorKind::malformed, "corrupt container image: " + message};
}

// A manifest, index or configuration is a few kilobytes; these bound what an image may claim.
constexpr size_t kMaxMetadata = size_t{4} << 20;
constexpr size_t kMaxMetadataTotal = size_t{64} << 20;
constexpr size_t kMaxOuterMembers = 1 << 20;
constexpr size_t kMaxConfiguration = size_t{64} << 20;  // an ld.so.cache
constexpr int kMaxIndexDepth = 4;

// Reads up to `length` bytes of one member's raw data: 0 at its end, negative on an error.
using RawRead = std::function<la_ssize_t(void*, size_t)>;
using MemberVisit = std::function<void(const std::string& name, const RawRead& read)>;

bool is_hex_digest(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// A name of the image's own files (manifest.json, blobs/sha256/<hex>): plain components only.
bool is_plain_name(const std::string& name) {
  if (name.empty() || name[0] == '/' || name.size() > kMaxPath) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = std::min(name.find('/', start), name.size());
    std::string part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string without_dot_slash(std::string name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  return name;
}

// The image's container: a tar on disk (any compression) or a layout directory.
class Container {
 public:
  Container(std::string path, bool directory) : path_(std::move(path)), directory_(directory) {
    if (!directory_) sweep_metadata();
  }

  // A manifest, index or configuration by name; nullopt when the image has none of that name.
  std::optional<std::string> metadata(const std::string& name) const {
    if (directory_) return read_from_directory(name);
    auto found = metadata_.find(name);
    if (found != metadata_.end()) return found->second;
    return std::nullopt;
  }

  bool has_member(const std::string& name) const {
    if (directory_) {
      struct stat info {};
      return is_plain_name(name) && ::stat((path_ + "/" + name).c_str(), &info) == 0 &&
             S_ISREG(info.st_mode);
    }
    return members_.count(name) > 0;
  }

  // Hands each of `names` to `visit` with a reader of its raw bytes, in the container's order.
  void stream(const std::set<std::string>& names, const MemberVisit& visit) const {
    if (directory_) {
      for (const auto& name : names) stream_from_directory(name, visit);
      return;
    }
    ArchivePtr outer = open_outer();
    archive_entry* entry = nullptr;
    std::set<std::string> seen;
    while (next_member(outer.get(), &entry)) {
      std::string name = without_dot_slash(archive_entry_pathname(entry));
      if (!names.count(name) || !seen.insert(name).second) continue;
      archive* reader = outer.get();
      visit(name,
            [reader](void* out, size_t length) { return archive_read_data(reader, out, length); });
    }
  }

 private:
  ArchivePtr open_outer() const {
    ArchivePtr outer = new_tar_reader();
    if (archive_read_open_filename(outer.get(), path_.c_str(), 1 << 16) != ARCHIVE_OK) {
      corrupt(why_failed(outer.get(), "cannot be opened"));
    }
    return outer;
  }

  static bool next_member(archive* outer, archive_entry** entry) {
    for (;;) {
      int status = archive_read_next_header(outer, entry);
      if (status == ARCHIVE_EOF) return false;
      if (status < ARCHIVE_WARN) corrupt(why_failed(outer, "unreadable"));
      if (archive_entry_filetype(*entry) == AE_IFREG && archive_entry_pathname(*entry)) {
        return true;
      }
    }
  }

  // One pass over the tar: its member names, and every small member that may be JSON.
  void sweep_metadata() {
    ArchivePtr outer = open_outer();
    archive_entry* entry = nullptr;
    size_t kept = 0;
    while (next_member(outer.get(), &entry)) {
      std::string name = without_dot_slash(archive_entry_pathname(entry));
      if (members_.size() >= kMaxOuterMembers) corrupt("more than a million members");
      members_.insert(name);
      if (archive_entry_size(entry) > static_cast<la_int64_t>(kMaxMetadata)) continue;
      std::string text(static_cast<size_t>(archive_entry_size(entry)), '\0');
      la_ssize_t got = archive_read_data(outer.get(), text.data(), text.size());
      if (got < 0) corrupt(why_failed(outer.get(), "unreadable") + " in " + name);
      text.resize(static_cast<size_t>(got));
      bool json = !text.empty() && (text[0] == '{' || text[0] == '[');
      if (!json || metadata_.count(name)) continue;
      kept += text.size();
      if (kept > kMaxMetadataTotal) corrupt("its JSON members hold more than 64 MiB");
      metadata_.emplace(name, std::move(text));
    }
  }

  int open_member(const std::string& name) const {
    if (!is_plain_name(name)) corrupt("the image names a file outside its layout: " + name);
    int fd = ::open((path_ + "/" + name).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat info {};
    if (fd >= 0 && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) return fd;
    if (fd >= 0) ::close(fd);
    return -1;
  }

  std::optional<std::string> read_from_directory(const std::string& name) const {
    int fd = open_member(name);
    if (fd < 0) return std::nullopt;
    std::string text;
    char buffer[65536];
    ssize_t got = 0;
    while ((got = ::read(fd, buffer, sizeof buffer)) > 0 && text.size() <= kMaxMetadata) {
      text.append(buffer, static_cast<size_t>(got));
    }
    ::close(fd);
    if (got < 0) corrupt(name + ": " + std::strerror(errno));
    if (text.size() > kMaxMetadata) corrupt(name + " holds more than 4 MiB");
    return text;
  }

  void stream_from_directory(const std::string& name, const MemberVisit& visit) const {
    int fd = open_member(name);
    if (fd < 0) corrupt("the layer " + name + " is missing");
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    visit(name, [fd](void* out, size_t length) -> la_ssize_t {
      for (;;) {
        ssize_t got = ::read(fd, out, length);
        if (got < 0 && errno == EINTR) continue;
        return got;
      }
    });
  }

  std::string path_;
  bool directory_;
  std::map<std::string, std::string> metadata_;
  std::set<std::string> members_;
};

// One layer of one platform: the member holding it and the SHA-256 its raw bytes must have
// ("" when the image gives none to check).
struct LayerRef {
  std::string member;
  std::string digest;
};

struct PlatformRef {
  std::string name;
  std::vector<LayerRef> layers;
};

std::string hex_of(const uint8_t (&digest)[32]) {
  static const char* hex = "0123456789abcdef";
  std::string text;
  for (uint8_t byte : digest) text += {hex[byte >> 4], hex[byte & 15]};
  return text;
}

std::string sha256_hex(const void* data, size_t size) {
  uint8_t digest[32];
  mbedtls_sha256_ret(static_cast<const uint8_t*>(data), size, digest, 0);
  return hex_of(digest);
}

Json parse_json(const Container& container, const std::string& name, const char* what) {
  auto text = container.metadata(name);
  if (!text) corrupt(std::string("its ") + what + " " + name + " is missing");
  // A blob is named by its digest: one that is not what it says (damage, or an index made to
  // list itself) is not followed.
  if (name.rfind("blobs/sha256/", 0) == 0 &&
      sha256_hex(text->data(), text->size()) != name.substr(13)) {
    corrupt(std::string("its ") + what + " " + name + " does not match its digest");
  }
  Json value = Json::parse(*text, nullptr, false);
  if (value.is_discarded()) corrupt(std::string("its ") + what + " " + name + " is not JSON");
  return value;
}

std::string text_field(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

std::string platform_name(const Json& object) {
  std::string os = text_field(object, "os"), arch = text_field(object, "architecture");
  if (os.empty() && arch.empty()) return "";
  std::string variant = text_field(object, "variant");
  return os + "/" + arch + (variant.empty() ? "" : "/" + variant);
}

// "sha256:<hex>" -> the blob's member name and its hex digest.
LayerRef blob_of(const std::string& digest) {
  std::string hex = digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : "";
  if (!is_hex_digest(hex)) corrupt("a digest other than a SHA-256: " + digest.substr(0, 80));
  return {"blobs/sha256/" + hex, hex};
}

// docker save: manifest.json lists each image's configuration and layer members, bottom first.
std::vector<PlatformRef> docker_platforms(const Container& container) {
  Json manifest = parse_json(container, "manifest.json", "manifest");
  if (!manifest.is_array()) corrupt("manifest.json is not a list of images");
  std::vector<PlatformRef> platforms;
  for (const auto& image : manifest) {
    std::string config_name = text_field(image, "Config");
    Json config = parse_json(container, config_name, "configuration");
    PlatformRef platform{platform_name(config), {}};
    const Json* diff_ids = nullptr;
    if (config.contains("rootfs") && config["rootfs"].is_object()) {
      auto found = config["rootfs"].find("diff_ids");
      if (found != config["rootfs"].end() && found->is_array()) diff_ids = &*found;
    }
    const Json& layers = image.is_object() && image.contains("Layers") ? image["Layers"] : Json();
    if (!layers.is_array()) corrupt("manifest.json names no layers for " + config_name);
    for (size_t i = 0; i < layers.size(); ++i) {
      if (!layers[i].is_string()) corrupt("manifest.json names a layer that is not a string");
      LayerRef layer{without_dot_slash(layers[i].get<std::string>()), ""};
      // Since Docker 25 layers are blobs named by their digest; before, <id>/layer.tar, an
      // uncompressed tar whose digest is the configuration's diff_id.
      if (layer.member.rfind("blobs/sha256/", 0) == 0) {
        layer.digest = layer.member.substr(13);
      } else if (diff_ids && i < diff_ids->size() && (*diff_ids)[i].is_string()) {
        std::string id = (*diff_ids)[i].get<std::string>();
        layer.digest = id.rfind("sha256:", 0) == 0 ? id.substr(7) : "";
      }
      if (!layer.digest.empty() && !is_hex_digest(layer.digest)) {
        corrupt("a layer digest that is not a SHA-256: " + layer.digest.substr(0, 80));
      }
      platform.layers.push_back(std::move(layer));
    }
    platforms.push_back(std::move(platform));
  }
  return platforms;
}

bool is_attestation(const Json& descriptor) {
  const Json* annotations =
      descriptor.contains("annotations") ? &descriptor["annotations"] : nullptr;
  return (annotations &&
          text_field(*annotations, "vnd.docker.reference.type") == "attestation-manifest") ||
         (descriptor.contains("platform") && text_field(descriptor["platform"], "os") == "unknown");
}

void oci_manifests(const Container& container, const Json& index, int depth,
                   std::vector<PlatformRef>& platforms) {
  if (depth > kMaxIndexDepth) corrupt("its indexes nest more than 4 deep");
  const Json& manifests =
      index.is_object() && index.contains("manifests") ? index["manifests"] : Json();
  if (!manifests.is_array()) corrupt("an index without a list of manifests");
  for (const auto& descriptor : manifests) {
    if (!descriptor.is_object() || is_attestation(descriptor)) continue;
    LayerRef blob = blob_of(text_field(descriptor, "digest"));
    Json manifest = parse_json(container, blob.member, "manifest");
    std::string type = text_field(manifest, "mediaType");
    if (type.empty()) type = text_field(descriptor, "mediaType");
    if (type.find("index") != std::string::npos || type.find("list") != std::string::npos) {
      oci_manifests(container, manifest, depth + 1, platforms);
      continue;
    }
    PlatformRef platform;
    if (descriptor.contains("platform")) platform.name = platform_name(descriptor["platform"]);
    if (platform.name.empty() && manifest.contains("config")) {
      Json config = parse_json(container, blob_of(text_field(manifest["config"], "digest")).member,
                               "configuration");
      platform.name = platform_name(config);
    }
    const Json& layers = manifest.contains("layers") ? manifest["layers"] : Json();
    if (!layers.is_array()) corrupt("the manifest " + blob.member + " lists no layers");
    for (const auto& layer : layers)
      platform.layers.push_back(blob_of(text_field(layer, "digest")));
    platforms.push_back(std::move(platform));
  }
}

std::vector<PlatformRef> image_platforms(const Container& container) {
  if (container.metadata("manifest.json")) return docker_platforms(container);
  if (!container.metadata("index.json")) corrupt("neither manifest.json nor index.json");
  std::vector<PlatformRef> platforms;
  oci_manifests(container, parse_json(container, "index.json", "index"), 0, platforms);
  return platforms;
}

// "linux/arm64" asks for linux/arm64/v8 too; "linux/arm/v7" only for that variant.
bool platform_matches(const std::string& name, const std::string& wanted) {
  return name == wanted || name.rfind(wanted + "/", 0) == 0;
}

// ---- the layers ----

enum class EntryKind { file, directory, symlink, hardlink, other, whiteout, opaque };

struct LayerEntry {
  std::string name;  // in the image, no leading '/'; for a whiteout what it deletes
  EntryKind kind = EntryKind::file;
  std::string target;
  uint64_t size = 0;
};

// A member name as a path in the image: "./usr//bin/" -> "usr/bin"; ".." is corrupt.
std::string image_path(const std::string& raw, const std::string& layer) {
  std::string path;
  size_t start = 0;
  while (start <= raw.size()) {
    size_t end = std::min(raw.find('/', start), raw.size());
    std::string part = raw.substr(start, end - start);
    if (part == "..") corrupt("the layer " + layer + " has a member outside the image's root");
    if (!part.empty() && part != ".") path += (path.empty() ? "" : "/") + part;
    start = end + 1;
  }
  return path;
}

LayerEntry layer_entry(archive_entry* entry, const std::string& layer) {
  const char* raw = archive_entry_pathname(entry);
  if (!raw) corrupt("the layer " + layer + " has a member without a name");
  if (std::strlen(raw) > kMaxPath) corrupt("the layer " + layer + " has a name over 4096 bytes");
  LayerEntry out{image_path(raw, layer), EntryKind::file, "",
                 static_cast<uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0))};
  std::string base = file_name(out.name);
  std::string dir =
      out.name.size() > base.size() ? out.name.substr(0, out.name.size() - base.size() - 1) : "";
  if (base == ".wh..wh..opq") return {dir, EntryKind::opaque, "", 0};
  if (base.rfind(".wh.", 0) == 0) {
    return {(dir.empty() ? "" : dir + "/") + base.substr(4), EntryKind::whiteout, "", 0};
  }
  if (const char* hard = archive_entry_hardlink(entry)) {
    out.kind = EntryKind::hardlink;
    out.target = image_path(hard, layer);
    return out;
  }
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG: out.kind = EntryKind::file; break;
    case AE_IFDIR: out.kind = EntryKind::directory; break;
    case AE_IFLNK:
      out.kind = EntryKind::symlink;
      out.target = archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "";
      if (out.target.size() > kMaxPath)
        corrupt("the layer " + layer + " has a link over 4096 bytes");
      break;
    default: out.kind = EntryKind::other;
  }
  return out;
}

// Feeds libarchive one layer's raw bytes, hashing them on the way.
struct LayerInput {
  const RawRead* read;
  mbedtls_sha256_context sha;
  std::vector<uint8_t> buffer = std::vector<uint8_t>(1 << 16);
  bool failed = false;
};

la_ssize_t layer_read(archive*, void* data, const void** out) {
  auto* input = static_cast<LayerInput*>(data);
  la_ssize_t got = (*input->read)(input->buffer.data(), input->buffer.size());
  if (got < 0) {
    input->failed = true;
    return -1;
  }
  mbedtls_sha256_update_ret(&input->sha, input->buffer.data(), static_cast<size_t>(got));
  *out = input->buffer.data();
  return got;
}

using EntryVisit = std::function<void(size_t index, const LayerEntry&, archive*, archive_entry*)>;

// Streams one layer: each member to `visit`, then the rest of the raw bytes, whose SHA-256 must
// be the layer's digest.
void walk_layer(const RawRead& read, const LayerRef& layer, const EntryVisit& visit) {
  LayerInput input{&read, {}};
  mbedtls_sha256_init(&input.sha);
  mbedtls_sha256_starts_ret(&input.sha, 0);
  struct Freer {
    mbedtls_sha256_context* sha;
    ~Freer() { mbedtls_sha256_free(sha); }
  } freer{&input.sha};
  ArchivePtr reader = new_tar_reader();
  if (archive_read_open(reader.get(), &input, nullptr, layer_read, nullptr) != ARCHIVE_OK) {
    corrupt("the layer " + layer.member + ": " + why_failed(reader.get(), "cannot be opened"));
  }
  archive_entry* entry = nullptr;
  for (size_t index = 0;; ++index) {
    int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) {
      corrupt("the layer " + layer.member + ": " + why_failed(reader.get(), "unreadable"));
    }
    LayerEntry member = layer_entry(entry, layer.member);
    if (member.name.empty() && member.kind != EntryKind::opaque) continue;  // the root itself
    visit(index, member, reader.get(), entry);
  }
  uint8_t rest[65536];
  la_ssize_t got = 0;
  while ((got = read(rest, sizeof rest)) > 0) {
    mbedtls_sha256_update_ret(&input.sha, rest, static_cast<size_t>(got));
  }
  if (got < 0 || input.failed) corrupt("the layer " + layer.member + " cannot be read to its end");
  if (layer.digest.empty()) return;
  uint8_t digest[32];
  mbedtls_sha256_finish_ret(&input.sha, digest);
  if (hex_of(digest) != layer.digest) {
    corrupt("the layer " + layer.member + " does not match its digest sha256:" + layer.digest);
  }
}

void erase_below(ImageTree& tree, const std::string& dir) {
  if (dir.empty()) {
    tree.clear();
    return;
  }
  std::string prefix = dir + "/";
  for (auto at = tree.lower_bound(prefix);
       at != tree.end() && at->first.compare(0, prefix.size(), prefix) == 0;) {
    at = tree.erase(at);
  }
}

ImageNode::Kind node_kind(EntryKind kind) {
  switch (kind) {
    case EntryKind::file: return ImageNode::Kind::file;
    case EntryKind::directory: return ImageNode::Kind::directory;
    case EntryKind::symlink: return ImageNode::Kind::symlink;
    case EntryKind::hardlink: return ImageNode::Kind::hardlink;
    default: return ImageNode::Kind::other;
  }
}

// Applies one layer on the layers below: its whiteouts and opaque directories hide what they
// name there, then its members replace what they name (a file over a directory, its contents).
void apply_layer(ImageTree& tree, const std::vector<std::pair<size_t, LayerEntry>>& entries,
                 size_t layer) {
  for (const auto& [index, entry] : entries) {
    if (entry.kind == EntryKind::opaque) erase_below(tree, entry.name);
    if (entry.kind == EntryKind::whiteout) {
      tree.erase(entry.name);
      erase_below(tree, entry.name);
    }
  }
  for (const auto& [index, entry] : entries) {
    if (entry.kind == EntryKind::opaque || entry.kind == EntryKind::whiteout) continue;
    if (entry.kind != EntryKind::directory) erase_below(tree, entry.name);
    tree[entry.name] = ImageNode{node_kind(entry.kind), entry.target, entry.size, layer, index, {}};
  }
}

// What reading an image takes: its platforms chosen, each one's tree merged from its layers.
class ImageReader {
 public:
  ImageReader(const std::string& path, bool directory, const ImageReadOptions& options)
      : container_(path, directory), options_(options) {
    for (auto& platform : image_platforms(container_)) {
      if (options.platform.empty() || platform_matches(platform.name, options.platform)) {
        refs_.push_back(std::move(platform));
      } else {
        image_.others.push_back(platform.name);
      }
    }
    if (refs_.empty() && !options.platform.empty()) {
      throw ImageFailure{ErrorKind::unsupported, "the image holds no " + options.platform +
                                                     " platform (it holds " +
                                                     short_list(image_.others, 8) + ")"};
    }
    if (refs_.empty()) corrupt("it lists no image");
    for (size_t p = 0; p < refs_.size(); ++p) {
      for (size_t i = 0; i < refs_[p].layers.size(); ++i) {
        const LayerRef& layer = refs_[p].layers[i];
        if (!container_.has_member(layer.member))
          corrupt("the layer " + layer.member + " is missing");
        uses_[layer.member].push_back({p, i});
        layer_refs_.emplace(layer.member, layer);
      }
    }
    merge();
  }

  ContainerImage& image() { return image_; }
  const ContainerImage& image() const { return image_; }

  // Each member of the merged file systems once (a layer shared by platforms once for all):
  // `visit` gets the platforms whose final file it is.
  using FileVisit = std::function<void(const std::vector<size_t>& platforms, const LayerEntry&,
                                       archive*, archive_entry*)>;
  void visit_files(const FileVisit& visit) const {
    container_.stream(layer_names(), [&](const std::string& name, const RawRead& read) {
      const auto& uses = uses_.at(name);
      walk_layer(
          read, layer_refs_.at(name),
          [&](size_t index, const LayerEntry& entry, archive* reader, archive_entry* header) {
            std::vector<size_t> platforms;
            for (const auto& [p, layer] : uses) {
              const ImageTree& tree = image_.platforms[p].tree;
              auto found = tree.find(entry.name);
              if (found != tree.end() && found->second.layer == layer &&
                  found->second.entry == index && entry.kind == EntryKind::file) {
                platforms.push_back(p);
              }
            }
            if (!platforms.empty()) visit(platforms, entry, reader, header);
          });
    });
  }

  void keep(size_t platform, const std::string& name,
            std::shared_ptr<const std::vector<uint8_t>> content) {
    image_.platforms[platform].tree[name].content = std::move(content);
  }

 private:
  std::set<std::string> layer_names() const {
    std::set<std::string> names;
    for (const auto& [name, uses] : uses_) names.insert(name);
    return names;
  }

  // Each layer streamed once for its member list, then every platform's tree built bottom up.
  void merge() {
    std::map<std::string, std::vector<std::pair<size_t, LayerEntry>>> entries;
    size_t held = 0;
    // A tree entry costs its name twice (the list and the tree) and the nodes around it.
    size_t budget = options_.memory_budget / 4;
    container_.stream(layer_names(), [&](const std::string& name, const RawRead& read) {
      auto& list = entries[name];
      walk_layer(read, layer_refs_.at(name),
                 [&](size_t index, const LayerEntry& entry, archive*, archive_entry*) {
                   held += 2 * (entry.name.size() + entry.target.size()) + 256;
                   if (held > budget) {
                     throw ImageFailure{ErrorKind::out_of_memory,
                                        "its layers name more files than a quarter of the "
                                        "memory budget holds (--max-memory)"};
                   }
                   list.emplace_back(index, entry);
                 });
    });
    for (const auto& ref : refs_) {
      ImagePlatform platform{ref.name, {}};
      for (size_t i = 0; i < ref.layers.size(); ++i) {
        apply_layer(platform.tree, entries[ref.layers[i].member], i);
      }
      image_.platforms.push_back(std::move(platform));
    }
  }

  Container container_;
  const ImageReadOptions& options_;
  std::vector<PlatformRef> refs_;
  std::map<std::string, std::vector<std::pair<size_t, size_t>>> uses_;
  std::map<std::string, LayerRef> layer_refs_;
  ContainerImage image_;
};

bool is_directory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool is_layout_directory(const std::string& path) {
  struct stat info {};
  return ::stat((path + "/oci-layout").c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
         ::stat((path + "/index.json").c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

bool is_image_member(const std::string& name) {
  if (name == "manifest.json" || name == "index.json" || name == "oci-layout" ||
      name == "repositories" || name.rfind("blobs/", 0) == 0 || name == "blobs") {
    return true;
  }
  std::string first = name.substr(0, name.find('/'));
  if (ends_with(first, ".json")) first = first.substr(0, first.size() - 5);
  return is_hex_digest(first);
}

std::vector<uint8_t> read_whole(archive* reader, size_t limit, const std::string& name) {
  std::vector<uint8_t> bytes;
  uint8_t buffer[65536];
  la_ssize_t got = 0;
  while ((got = archive_read_data(reader, buffer, sizeof buffer)) > 0) {
    if (bytes.size() + static_cast<size_t>(got) > limit) {
      throw ImageFailure{ErrorKind::out_of_memory,
                         "/" + name + " holds more than the memory budget lets a capture keep"};
    }
    bytes.insert(bytes.end(), buffer, buffer + got);
  }
  if (got < 0) corrupt(why_failed(reader, "unreadable") + " in /" + name);
  return bytes;
}

std::string entry_date(archive_entry* header) {
  return archive_entry_mtime_is_set(header) ? iso_date(archive_entry_mtime(header)) : "";
}

// What a platform is called in paths: "image.tar" alone, "image.tar[linux/arm64]" among several.
std::string platform_display(const std::string& path, const ContainerImage& image, size_t p) {
  if (image.platforms.size() == 1) return path;
  const std::string& name = image.platforms[p].name;
  return path + "[" + (name.empty() ? "image " + std::to_string(p + 1) : name) + "]";
}

// The image's symlinks and hard links to files, as aliases of the files they lead to.
void record_links(const ImageTree& tree, const std::string& display,
                  const ArchiveContext& context) {
  for (const auto& [name, node] : tree) {
    if (node.kind != ImageNode::Kind::symlink && node.kind != ImageNode::Kind::hardlink) continue;
    auto target = resolve_in_image(tree, name);
    if (!target) continue;
    auto found = tree.find(*target);
    if (found == tree.end() || found->second.kind != ImageNode::Kind::file) continue;
    record_alias(PathAlias{display + "!/" + name, display + "!/" + *target}, display, context);
  }
}

ImageReadOptions input_options(const ArchiveContext& context) {
  ImageReadOptions options;
  options.platform = context.options.platform;
  options.memory_budget = context.options.memory_budget;
  return options;
}

void report_files(ImageReader& reader, const std::string& path, const ArchiveContext& context) {
  const ContainerImage& image = reader.image();
  std::vector<std::string> displays;
  std::vector<ArchiveContext> contexts;
  for (size_t p = 0; p < image.platforms.size(); ++p) {
    displays.push_back(platform_display(path, image, p));
    contexts.push_back(context);
    if (image.platforms.size() > 1) contexts.back().release = displays.back();
  }
  std::vector<uint8_t> bytes;
  reader.visit_files([&](const std::vector<size_t>& platforms, const LayerEntry& entry,
                         archive* archive_reader, archive_entry* header) {
    if (is_loader_configuration(entry.name)) {
      auto kept = std::make_shared<const std::vector<uint8_t>>(
          read_whole(archive_reader, kMaxConfiguration, entry.name));
      for (size_t p : platforms) reader.keep(p, entry.name, kept);
      return;
    }
    std::vector<size_t> wanted;
    for (size_t p : platforms) {
      if (excluded(context.options, displays[p] + "!/" + entry.name)) {
        ++context.stats.excluded;
      } else {
        wanted.push_back(p);
      }
    }
    if (wanted.empty()) return;
    Member member = read_member(archive_reader, member_limit(context), bytes);
    if (member == Member::failed)
      corrupt(why_failed(archive_reader, "unreadable") + " in /" + entry.name);
    for (size_t p : wanted) {
      const std::string member_path = displays[p] + "!/" + entry.name;
      if (member == Member::skipped) {
        ++context.stats.skipped;
      } else if (member == Member::too_large || member == Member::out_of_memory) {
        member_over_budget(member, member_path, contexts[p]);
      } else {
        std::vector<uint8_t> copy = p == wanted.back() ? std::move(bytes) : bytes;
        hand_on(std::move(copy), member_path, displays[p] + "!/", 1, entry_date(header),
                contexts[p]);
      }
    }
    bytes = {};
  });
  for (size_t p = 0; p < image.platforms.size(); ++p) {
    const ImageTree& tree = image.platforms[p].tree;
    record_links(tree, displays[p], contexts[p]);
    context.stats.image_loaders[displays[p] + "!/"] = image_loader(tree, displays[p]);
  }
}

}  // namespace

void read_image_input(const std::string& path, const ArchiveContext& context) {
  try {
    ImageReadOptions options = input_options(context);
    ImageReader reader(path, is_directory(path), options);
    report_files(reader, path, context);
  } catch (const ImageFailure& failure) {
    member_error(path, failure.kind, failure.message, context);
  } catch (const std::bad_alloc&) {
    member_error(path, ErrorKind::out_of_memory, "memory ran out while reading the image", context);
  }
}

}  // namespace portcheck::inputs

namespace portcheck {

bool is_container_image(const std::string& path) {
  if (inputs::is_directory(path)) return inputs::is_layout_directory(path);
  inputs::ArchivePtr reader = inputs::new_tar_reader();
  if (archive_read_open_filename(reader.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) return false;
  archive_entry* entry = nullptr;
  if (archive_read_next_header(reader.get(), &entry) < ARCHIVE_WARN) return false;
  const char* first = archive_entry_pathname(entry);
  if (!first || !inputs::is_image_member(inputs::without_dot_slash(first))) return false;
  // A release whose first member merely looks like an image's is read as the archive it is:
  // an image names its manifest (docker save) or its index and layout (OCI) at the top.
  bool manifest = false, index = false, layout = false;
  do {
    const char* raw = archive_entry_pathname(entry);
    std::string name = inputs::without_dot_slash(raw ? raw : "");
    manifest = manifest || name == "manifest.json";
    index = index || name == "index.json";
    layout = layout || name == "oci-layout";
  } while (archive_read_next_header(reader.get(), &entry) >= ARCHIVE_WARN);
  return manifest || (index && layout);
}

Result<ContainerImage> read_container_image(const std::string& path,
                                            const ImageReadOptions& options) {
  try {
    inputs::ImageReader reader(path, inputs::is_directory(path), options);
    size_t kept = 0, limit = largest_analysable(options.memory_budget);
    reader.visit_files([&](const std::vector<size_t>& platforms, const inputs::LayerEntry& entry,
                           archive* archive_reader, archive_entry*) {
      bool configuration = is_loader_configuration(entry.name);
      if (!configuration && !(options.keep && options.keep(entry.name))) return;
      auto bytes = inputs::read_whole(archive_reader,
                                      configuration   ? inputs::kMaxConfiguration
                                      : kept >= limit ? 0
                                                      : limit - kept,
                                      entry.name);
      kept += bytes.size();
      auto content = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
      for (size_t p : platforms) reader.keep(p, entry.name, content);
    });
    return std::move(reader.image());
  } catch (const inputs::ImageFailure& failure) {
    return FileError{path, failure.kind, failure.message};
  } catch (const std::bad_alloc&) {
    return FileError{path, ErrorKind::out_of_memory, "memory ran out while reading the image"};
  }
}

Result<std::vector<std::string>> read_image_platform_names(const std::string& path) {
  try {
    inputs::Container container(path, inputs::is_directory(path));
    std::vector<std::string> names;
    for (const auto& platform : inputs::image_platforms(container)) names.push_back(platform.name);
    return names;
  } catch (const inputs::ImageFailure& failure) {
    return FileError{path, failure.kind, failure.message};
  } catch (const std::bad_alloc&) {
    return FileError{path, ErrorKind::out_of_memory, "memory ran out while reading the image"};
  }
}

}  // namespace portcheck
