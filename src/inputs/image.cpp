#include "image.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <mbedtls/sha256.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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
constexpr size_t kMaxConfiguration = size_t{16} << 20;  // an ld.so.cache: 300,000 entries
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

// The image's container: a tar on disk (any compression) or a layout directory.
class Container {
 public:
  Container(std::string path, bool directory) : path_(std::move(path)), directory_(directory) {
    if (!directory_) sweep_metadata();
  }

  // A manifest, index or configuration by name; nullopt when the image has none of that name.
  std::optional<std::string> metadata(const std::string& name) const {
    if (directory_) return read_from_directory(name);
    if (oversized_.count(name)) corrupt(name + " holds more than 4 MiB, more than image metadata");
    auto found = metadata_.find(name);
    if (found != metadata_.end()) return found->second;
    return std::nullopt;
  }

  bool has_member(const std::string& name) const {
    if (directory_) {
      int fd = open_member(name);
      if (fd >= 0) ::close(fd);
      return fd >= 0;
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
    size_t kept = 0, names = 0;
    while (next_member(outer.get(), &entry)) {
      std::string name = without_dot_slash(archive_entry_pathname(entry));
      names += name.size();
      if (members_.size() >= kMaxOuterMembers || names > kMaxMetadataTotal) {
        corrupt("more than a million members, or 64 MiB of names");
      }
      // docker load takes the last of two members of one name, a reader of the first another
      // image: neither is guessed.
      if (!members_.insert(name).second) corrupt("it holds two members named " + name);
      if (archive_entry_size(entry) > static_cast<la_int64_t>(kMaxMetadata)) {
        oversized_.insert(name);
        continue;
      }
      std::string text(static_cast<size_t>(archive_entry_size(entry)), '\0');
      la_ssize_t got = archive_read_data(outer.get(), text.data(), text.size());
      if (got < 0) corrupt(why_failed(outer.get(), "unreadable") + " in " + name);
      text.resize(static_cast<size_t>(got));
      bool named = name == "manifest.json" || name == "index.json" || name == "oci-layout";
      bool json = !text.empty() && (text[0] == '{' || text[0] == '[');
      if (!json && !named) continue;
      kept += text.size();
      if (kept > kMaxMetadataTotal) corrupt("its JSON members hold more than 64 MiB");
      metadata_.emplace(name, std::move(text));
    }
  }

  // A file of the layout itself, each component opened without following a symlink (to a host
  // file, a device, a directory elsewhere); -1 when there is no such regular file.
  int open_member(const std::string& name) const {
    if (!is_plain_name(name)) corrupt("the image names a file outside its layout: " + name);
    int dir = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECTORY);
    size_t start = 0;
    while (dir >= 0) {
      size_t slash = name.find('/', start);
      std::string part = name.substr(start, slash - start);
      int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
                  (slash == std::string::npos ? O_NONBLOCK : O_DIRECTORY);
      int next = ::openat(dir, part.c_str(), flags);
      ::close(dir);
      if (slash == std::string::npos) {
        struct stat info {};
        if (next >= 0 && ::fstat(next, &info) == 0 && S_ISREG(info.st_mode)) return next;
        if (next >= 0) ::close(next);
        return -1;
      }
      dir = next;
      start = slash + 1;
    }
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
    if (fd < 0) corrupt("the layer " + name + " is missing, or not a regular file");
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
  std::set<std::string> members_, oversized_;
};

// One layer of one platform: the member holding it, the SHA-256 its raw bytes must have and the
// one its uncompressed tar must have (the configuration's diff_id), and its size ("" and 0 when
// the image gives none).
struct LayerRef {
  std::string member;
  std::string digest;
  std::string diff_id;
  std::optional<uint64_t> size;
};

struct PlatformRef {
  std::string name;
  std::vector<LayerRef> layers;
};

// More images than this in one archive is no image anyone pushes.
constexpr size_t kMaxImages = 256;

std::string sha256_hex(const void* data, size_t size) {
  uint8_t digest[32];
  mbedtls_sha256_ret(static_cast<const uint8_t*>(data), size, digest, 0);
  return hex_digits(digest, sizeof digest);
}

// A manifest, index or configuration, read once: checked against its digest (a blob), parsed,
// then against the size its descriptor gives, if any.
Json parse_json(const Container& container, const std::string& name, const char* what,
                std::optional<uint64_t> size = std::nullopt) {
  auto text = container.metadata(name);
  if (!text)
    corrupt(std::string("its ") + what + " " + name + " is missing, or not a regular file");
  // A blob is named by its digest: one that is not what it says (damage, or an index made to
  // list itself) is not followed.
  if (name.rfind("blobs/sha256/", 0) == 0 &&
      sha256_hex(text->data(), text->size()) != name.substr(13)) {
    corrupt(std::string("its ") + what + " " + name + " does not match its digest");
  }
  Json value = Json::parse(*text, nullptr, false);
  if (value.is_discarded()) corrupt(std::string("its ") + what + " " + name + " is not JSON");
  if (size && text->size() != *size) {
    corrupt(std::string("its ") + what + " " + name + " holds " + std::to_string(text->size()) +
            " bytes, not the " + std::to_string(*size) + " its descriptor says");
  }
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
  if (!is_hex_digest(hex)) {
    corrupt("a digest other than a SHA-256: \"" + digest.substr(0, 80) + "\"");
  }
  return {"blobs/sha256/" + hex, hex, "", std::nullopt};
}

// The configuration's diff_ids, one per layer: what each uncompressed layer must hash to.
std::vector<std::string> diff_ids_of(const Json& config, const std::string& name, size_t layers) {
  const Json* ids = nullptr;
  if (config.is_object() && config.contains("rootfs") && config["rootfs"].is_object()) {
    auto found = config["rootfs"].find("diff_ids");
    if (found != config["rootfs"].end() && found->is_array()) ids = &*found;
  }
  // docker load refuses the same ("layers length mismatch").
  if (!ids || ids->size() != layers) {
    corrupt("the configuration " + name + " lists " + std::to_string(ids ? ids->size() : 0) +
            " diff_ids for " + std::to_string(layers) + " layers");
  }
  std::vector<std::string> hex;
  for (const auto& id : *ids)
    hex.push_back(blob_of(id.is_string() ? id.get<std::string>() : "").digest);
  return hex;
}

// A descriptor's size: nullopt when it gives none; a size that is not a byte count is corrupt.
std::optional<uint64_t> declared_size(const Json& descriptor) {
  if (!descriptor.is_object()) return std::nullopt;
  auto found = descriptor.find("size");
  if (found == descriptor.end()) return std::nullopt;
  if (!found->is_number_unsigned()) corrupt("a descriptor's size is not a byte count");
  return found->get<uint64_t>();
}

// A manifest or configuration blob of the size its descriptor says.
Json described_json(const Container& container, const Json& descriptor, const std::string& name,
                    const char* what) {
  return parse_json(container, name, what, declared_size(descriptor));
}

// A configuration (of the size its descriptor says, when there is one): a JSON object.
Json image_config(const Container& container, const std::string& name,
                  const Json& descriptor = Json()) {
  if (name.empty()) corrupt("an image without a configuration");
  Json config = described_json(container, descriptor, name, "configuration");
  if (!config.is_object()) corrupt("the configuration " + name + " is not a JSON object");
  return config;
}

// docker save: manifest.json lists each image's configuration and layer members, bottom first.
std::vector<PlatformRef> docker_platforms(const Container& container) {
  Json manifest = parse_json(container, "manifest.json", "manifest");
  if (!manifest.is_array()) corrupt("manifest.json is not a list of images");
  if (manifest.size() > kMaxImages) corrupt("manifest.json lists more than 256 images");
  std::vector<PlatformRef> platforms;
  for (const auto& image : manifest) {
    std::string config_name = without_dot_slash(text_field(image, "Config"));
    Json config = image_config(container, config_name);
    const Json& layers = image.is_object() && image.contains("Layers") ? image["Layers"] : Json();
    if (!layers.is_array()) corrupt("manifest.json names no layers for " + config_name);
    std::vector<std::string> diff_ids = diff_ids_of(config, config_name, layers.size());
    PlatformRef platform{platform_name(config), {}};
    for (size_t i = 0; i < layers.size(); ++i) {
      if (!layers[i].is_string()) corrupt("manifest.json names a layer that is not a string");
      LayerRef layer{without_dot_slash(layers[i].get<std::string>()), "", diff_ids[i], {}};
      // Since Docker 25 layers are blobs named by their digest; before, <id>/layer.tar, an
      // uncompressed tar: its diff_id is its digest.
      if (layer.member.rfind("blobs/sha256/", 0) == 0) layer.digest = layer.member.substr(13);
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

// One image manifest: its configuration (checked whatever the index says of the platform)
// and its layers with their digests, sizes and diff_ids.
PlatformRef oci_platform(const Container& container, const Json& descriptor, const Json& manifest,
                         const std::string& name) {
  const Json& layers = manifest.contains("layers") ? manifest["layers"] : Json();
  if (!layers.is_array()) corrupt("the manifest " + name + " lists no layers");
  const Json& config_descriptor = manifest.contains("config") ? manifest["config"] : Json();
  std::string config_name = blob_of(text_field(config_descriptor, "digest")).member;
  Json config = image_config(container, config_name, config_descriptor);
  std::vector<std::string> diff_ids = diff_ids_of(config, config_name, layers.size());
  PlatformRef platform;
  if (descriptor.contains("platform")) platform.name = platform_name(descriptor["platform"]);
  std::string configured = platform_name(config);
  // The index's word on the platform must be the configuration's: else its files are another's.
  auto os_arch = [](const std::string& label) {
    return label.substr(0, label.find('/', label.find('/') + 1));
  };
  if (!platform.name.empty() && !configured.empty() &&
      os_arch(platform.name) != os_arch(configured)) {
    corrupt("its index says " + platform.name + " of a configuration for " + configured);
  }
  if (platform.name.empty()) platform.name = configured;
  for (size_t i = 0; i < layers.size(); ++i) {
    LayerRef layer = blob_of(text_field(layers[i], "digest"));
    layer.diff_id = diff_ids[i];
    layer.size = declared_size(layers[i]);
    platform.layers.push_back(std::move(layer));
  }
  return platform;
}

// An index's manifests, each followed once however often it is listed.
void oci_manifests(const Container& container, const Json& index, int depth,
                   std::set<std::string>& seen, std::vector<PlatformRef>& platforms) {
  if (depth > kMaxIndexDepth) corrupt("its indexes nest more than 4 deep");
  const Json& manifests =
      index.is_object() && index.contains("manifests") ? index["manifests"] : Json();
  if (!manifests.is_array()) corrupt("an index without a list of manifests");
  for (const auto& descriptor : manifests) {
    if (!descriptor.is_object() || is_attestation(descriptor)) continue;
    LayerRef blob = blob_of(text_field(descriptor, "digest"));
    if (!seen.insert(blob.member).second) continue;
    Json manifest = described_json(container, descriptor, blob.member, "manifest");
    std::string type = text_field(manifest, "mediaType");
    if (type.empty()) type = text_field(descriptor, "mediaType");
    if (type.find("index") != std::string::npos || type.find("list") != std::string::npos) {
      oci_manifests(container, manifest, depth + 1, seen, platforms);
      continue;
    }
    if (platforms.size() >= kMaxImages) corrupt("its index lists more than 256 images");
    platforms.push_back(oci_platform(container, descriptor, manifest, blob.member));
  }
}

// Two images of one platform are told apart: linux/amd64, then linux/amd64@2.
void label_platforms(std::vector<PlatformRef>& platforms) {
  std::set<std::string> used;
  for (auto& platform : platforms) {
    std::string label = platform.name;
    // An image may name its architecture "amd64@2": a label is never given twice.
    for (int n = 2; !used.insert(label).second; ++n)
      label = platform.name + "@" + std::to_string(n);
    platform.name = label;
  }
}

std::vector<PlatformRef> image_platforms(const Container& container) {
  std::vector<PlatformRef> platforms;
  if (container.metadata("manifest.json")) {
    platforms = docker_platforms(container);
  } else {
    if (!container.metadata("index.json")) corrupt("neither manifest.json nor index.json");
    std::set<std::string> seen;
    oci_manifests(container, parse_json(container, "index.json", "index"), 0, seen, platforms);
  }
  label_platforms(platforms);
  return platforms;
}

// "linux/arm64" asks for linux/arm64/v8 too; "linux/arm/v7" only for that variant.
bool platform_matches(const std::string& name, const std::string& wanted) {
  if (name.find('@') != std::string::npos || wanted.find('@') != std::string::npos) {
    return name == wanted;
  }
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

// A SHA-256 computed as bytes stream by.
class Hasher {
 public:
  Hasher() {
    mbedtls_sha256_init(&sha_);
    mbedtls_sha256_starts_ret(&sha_, 0);
  }
  ~Hasher() { mbedtls_sha256_free(&sha_); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void add(const void* data, size_t size) {
    mbedtls_sha256_update_ret(&sha_, static_cast<const uint8_t*>(data), size);
    bytes_ += size;
  }
  std::string hex() {
    uint8_t digest[32];
    mbedtls_sha256_finish_ret(&sha_, digest);
    return hex_digits(digest, sizeof digest);
  }
  uint64_t bytes() const { return bytes_; }

 private:
  mbedtls_sha256_context sha_;
  uint64_t bytes_ = 0;
};

// A layer read in two steps, each hashed: its raw bytes (the blob, as its digest says) are
// decompressed by one libarchive reader, and the uncompressed tar (as its diff_id says) is read
// by another.
struct LayerInput {
  const RawRead* read;
  Hasher raw, tar;
  std::vector<uint8_t> raw_buffer = std::vector<uint8_t>(1 << 16);
  std::vector<uint8_t> tar_buffer = std::vector<uint8_t>(1 << 16);
  archive* decompressor = nullptr;
  bool failed = false;
};

la_ssize_t raw_read(archive*, void* data, const void** out) {
  auto* input = static_cast<LayerInput*>(data);
  la_ssize_t got = (*input->read)(input->raw_buffer.data(), input->raw_buffer.size());
  if (got < 0) {
    input->failed = true;
    return -1;
  }
  input->raw.add(input->raw_buffer.data(), static_cast<size_t>(got));
  *out = input->raw_buffer.data();
  return got;
}

la_ssize_t tar_read(archive*, void* data, const void** out) {
  auto* input = static_cast<LayerInput*>(data);
  la_ssize_t got =
      archive_read_data(input->decompressor, input->tar_buffer.data(), input->tar_buffer.size());
  if (got < 0) {
    input->failed = true;
    return -1;
  }
  input->tar.add(input->tar_buffer.data(), static_cast<size_t>(got));
  *out = input->tar_buffer.data();
  return got;
}

using EntryVisit = std::function<void(size_t index, const LayerEntry&, archive*, archive_entry*)>;

[[noreturn]] void layer_corrupt(const LayerRef& layer, const std::string& why) {
  corrupt("the layer " + layer.member + (why.rfind(":", 0) == 0 ? "" : " ") + why);
}

ArchivePtr open_decompressor(LayerInput& input, const LayerRef& layer) {
  ArchivePtr decompressor = new_stream_reader();
  archive_entry* entry = nullptr;
  if (archive_read_open(decompressor.get(), &input, nullptr, raw_read, nullptr) != ARCHIVE_OK ||
      archive_read_next_header(decompressor.get(), &entry) != ARCHIVE_OK) {
    layer_corrupt(layer, ": " + why_failed(decompressor.get(), "cannot be opened"));
  }
  return decompressor;
}

// What is left of both streams once the tar has ended (its padding), then the digests.
void check_layer_end(LayerInput& input, const LayerRef& layer) {
  uint8_t rest[65536];
  la_ssize_t got = 0;
  while ((got = archive_read_data(input.decompressor, rest, sizeof rest)) > 0) {
    input.tar.add(rest, static_cast<size_t>(got));
  }
  if (got < 0 || input.failed) {
    layer_corrupt(layer,
                  "cannot be read to its end: " + why_failed(input.decompressor, "unreadable"));
  }
  while ((got = (*input.read)(rest, sizeof rest)) > 0)
    input.raw.add(rest, static_cast<size_t>(got));
  if (got < 0) layer_corrupt(layer, "cannot be read to its end");
  if (layer.size && input.raw.bytes() != *layer.size) {
    layer_corrupt(layer, "holds " + std::to_string(input.raw.bytes()) + " bytes, not the " +
                             std::to_string(*layer.size) + " its manifest says");
  }
  if (!layer.digest.empty() && input.raw.hex() != layer.digest) {
    layer_corrupt(layer, "does not match its digest sha256:" + layer.digest);
  }
  if (!layer.diff_id.empty() && input.tar.hex() != layer.diff_id) {
    layer_corrupt(layer, "does not match its diff_id sha256:" + layer.diff_id);
  }
}

// Streams one layer: each member to `visit`, then the rest, checked against its digests.
void walk_layer(const RawRead& read, const LayerRef& layer, const EntryVisit& visit) {
  LayerInput input{&read, {}, {}};
  ArchivePtr decompressor = open_decompressor(input, layer);
  input.decompressor = decompressor.get();
  ArchivePtr reader(archive_read_new(), archive_read_free);
  if (!reader) throw std::bad_alloc();
  archive_read_support_format_tar(reader.get());
  if (archive_read_open(reader.get(), &input, nullptr, tar_read, nullptr) != ARCHIVE_OK) {
    layer_corrupt(layer, ": " + why_failed(reader.get(), "cannot be opened"));
  }
  archive_entry* entry = nullptr;
  for (size_t index = 0;; ++index) {
    int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) layer_corrupt(layer, ": " + why_failed(reader.get(), "unreadable"));
    LayerEntry member = layer_entry(entry, layer.member);
    if (member.name.empty() && member.kind != EntryKind::opaque) continue;  // the root itself
    visit(index, member, reader.get(), entry);
  }
  check_layer_end(input, layer);
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
  // A whiteout hides what lies below from this layer's readers, not from its own hard links.
  std::map<std::string, ImageNode> below;
  for (const auto& [index, entry] : entries) {
    auto linked = entry.kind == EntryKind::hardlink ? tree.find(entry.target) : tree.end();
    if (linked != tree.end() && linked->second.has_data)
      below.emplace(entry.target, linked->second);
  }
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
    ImageNode node{node_kind(entry.kind), entry.target, entry.size, layer, index, {}, false, 0, 0};
    if (entry.kind == EntryKind::file) {
      node.has_data = true;
      node.data_layer = layer;
      node.data_entry = index;
    } else if (entry.kind == EntryKind::hardlink) {
      // A hard link names a member before it: its bytes stay the link's whatever later
      // layers do to that member's name.
      auto linked = tree.find(entry.target);
      const ImageNode* data =
          linked != tree.end() && linked->second.has_data ? &linked->second : nullptr;
      auto lower = below.find(entry.target);
      if (!data && lower != below.end()) data = &lower->second;
      if (data) {
        node.has_data = true;
        node.data_layer = data->data_layer;
        node.data_entry = data->data_entry;
        node.size = data->size;
      }
    }
    tree[entry.name] = std::move(node);
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
        if (!container_.has_member(layer.member)) {
          corrupt("the layer " + layer.member + " is missing, or not a regular file");
        }
        uses_[layer.member].push_back({p, i});
        layer_refs_.emplace(layer.member, layer);
      }
    }
    merge();
  }

  ContainerImage& image() { return image_; }
  const ContainerImage& image() const { return image_; }

  // The names of the final file system one member's bytes carry in one platform: the file
  // under its own name and its hard links, sorted.
  struct Holder {
    size_t platform;
    const std::vector<std::string>* names;
  };
  // Each member of the merged file systems once (a layer shared by platforms once for all):
  // `visit` gets the platforms and names whose bytes it holds.
  using FileVisit = std::function<void(const std::vector<Holder>& holders, const LayerEntry&,
                                       archive*, archive_entry*)>;
  void visit_files(const FileVisit& visit) const {
    container_.stream(layer_names(), [&](const std::string& name, const RawRead& read) {
      const auto& uses = uses_.at(name);
      walk_layer(
          read, layer_refs_.at(name),
          [&](size_t index, const LayerEntry& entry, archive* reader, archive_entry* header) {
            if (entry.kind != EntryKind::file) return;
            std::vector<Holder> holders;
            for (const auto& [p, layer] : uses) {
              auto found = names_by_data_[p].find({layer, index});
              if (found != names_by_data_[p].end()) holders.push_back({p, &found->second});
            }
            if (!holders.empty()) visit(holders, entry, reader, header);
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
    for (const auto& platform : image_.platforms) {
      auto& names = names_by_data_.emplace_back();
      for (const auto& [path, node] : platform.tree) {
        if (node.has_data) names[{node.data_layer, node.data_entry}].push_back(path);
      }
    }
  }

  Container container_;
  const ImageReadOptions& options_;
  std::vector<PlatformRef> refs_;
  std::map<std::string, std::vector<std::pair<size_t, size_t>>> uses_;
  std::map<std::string, LayerRef> layer_refs_;
  ContainerImage image_;
  std::vector<std::map<std::pair<size_t, size_t>, std::vector<std::string>>> names_by_data_;
};

bool is_directory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

// An OCI layout: blobs/sha256 and its oci-layout or index.json, whatever they are (a layout
// missing one, or holding a directory in its place, is a damaged image, not a plain directory).
bool is_layout_directory(const std::string& path) {
  struct stat info {};
  auto exists = [&](const char* name) { return ::lstat((path + name).c_str(), &info) == 0; };
  bool blobs = ::stat((path + "/blobs/sha256").c_str(), &info) == 0 && S_ISDIR(info.st_mode);
  return blobs && (exists("/oci-layout") || exists("/index.json"));
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

// <64 hex>/layer.tar (docker save before Docker 25) or blobs/sha256/<64 hex>.
bool is_layer_member(const std::string& name) {
  if (name.size() == 74 && ends_with(name, "/layer.tar")) return is_hex_digest(name.substr(0, 64));
  return name.rfind("blobs/sha256/", 0) == 0 && is_hex_digest(name.substr(13));
}

// manifest.json as docker save writes it: a list of objects, each with its "Layers".
bool is_docker_manifest(archive* reader, archive_entry* entry) {
  if (archive_entry_size(entry) > static_cast<la_int64_t>(kMaxMetadata)) return false;
  std::string text(static_cast<size_t>(std::max<la_int64_t>(archive_entry_size(entry), 0)), '\0');
  la_ssize_t got = archive_read_data(reader, text.data(), text.size());
  if (got < 0) return false;
  text.resize(static_cast<size_t>(got));
  Json manifest = Json::parse(text, nullptr, false);
  if (!manifest.is_array() || manifest.empty()) return false;
  return std::all_of(manifest.begin(), manifest.end(), [](const Json& image) {
    return image.is_object() && image.contains("Layers") && image["Layers"].is_array();
  });
}

std::vector<uint8_t> read_whole(archive* reader, size_t limit, const std::string& name) {
  std::vector<uint8_t> bytes;
  uint8_t buffer[65536];
  la_ssize_t got = 0;
  while ((got = archive_read_data(reader, buffer, sizeof buffer)) > 0) {
    if (bytes.size() + static_cast<size_t>(got) > limit) {
      throw ImageFailure{ErrorKind::out_of_memory, "/" + name + " holds more than the " +
                                                       std::to_string(limit >> 20) +
                                                       " MiB it may take in memory"};
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

// The image's symlinks to files, as aliases of the names the files are analysed under.
void record_links(const ImageTree& tree, const std::map<std::string, std::string>& analysed_as,
                  const std::string& display, const ArchiveContext& context) {
  for (const auto& [name, node] : tree) {
    if (node.kind != ImageNode::Kind::symlink) continue;
    auto target = resolve_in_image(tree, name);
    auto primary = target ? analysed_as.find(*target) : analysed_as.end();
    if (primary == analysed_as.end()) continue;
    record_alias(PathAlias{display + "!/" + name, display + "!/" + primary->second}, display,
                 context);
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
  // Each file is analysed under one name (the first its --exclude leaves in); its hard links
  // and the symlinks to it are aliases of that name.
  std::vector<std::map<std::string, std::string>> analysed_as(image.platforms.size());
  std::vector<uint8_t> bytes;
  reader.visit_files([&](const std::vector<ImageReader::Holder>& holders, const LayerEntry& entry,
                         archive* archive_reader, archive_entry* header) {
    bool configuration = false;
    for (const auto& holder : holders) {
      for (const auto& name : *holder.names) configuration |= is_loader_configuration(name);
    }
    if (configuration) {
      auto kept = std::make_shared<const std::vector<uint8_t>>(
          read_whole(archive_reader, kMaxConfiguration, entry.name));
      for (const auto& holder : holders) {
        for (const auto& name : *holder.names) reader.keep(holder.platform, name, kept);
      }
      return;
    }
    std::vector<std::pair<size_t, std::string>> wanted;  // platform, the name analysed
    for (const auto& holder : holders) {
      std::string primary;
      for (const auto& name : *holder.names) {
        if (excluded(context.options, displays[holder.platform] + "!/" + name)) {
          ++context.stats.excluded;
          continue;
        }
        if (primary.empty()) {
          primary = name;
        } else {
          record_alias(PathAlias{displays[holder.platform] + "!/" + name,
                                 displays[holder.platform] + "!/" + primary},
                       displays[holder.platform], contexts[holder.platform]);
        }
        analysed_as[holder.platform][name] = primary;
      }
      if (!primary.empty()) wanted.emplace_back(holder.platform, primary);
    }
    if (wanted.empty()) return;
    Member member = read_member(archive_reader, member_limit(context), bytes);
    if (member == Member::failed) {
      corrupt(why_failed(archive_reader, "unreadable") + " in /" + entry.name);
    }
    for (const auto& [p, name] : wanted) {
      const std::string member_path = displays[p] + "!/" + name;
      if (member == Member::skipped) {
        ++context.stats.skipped;
      } else if (member == Member::too_large || member == Member::out_of_memory) {
        member_over_budget(member, member_path, contexts[p]);
      } else {
        std::vector<uint8_t> copy = p == wanted.back().first ? std::move(bytes) : bytes;
        hand_on(std::move(copy), member_path, displays[p] + "!/", 1, entry_date(header),
                contexts[p]);
      }
    }
    bytes = {};
  });
  for (size_t p = 0; p < image.platforms.size(); ++p) {
    const ImageTree& tree = image.platforms[p].tree;
    record_links(tree, analysed_as[p], displays[p], contexts[p]);
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
  // an image holds docker save's manifest.json (a list of images with their layers) or an OCI
  // index and layout at the top.
  bool manifest = false, index = false, layout = false;
  do {
    const char* raw = archive_entry_pathname(entry);
    std::string name = inputs::without_dot_slash(raw ? raw : "");
    manifest =
        manifest || (name == "manifest.json" && inputs::is_docker_manifest(reader.get(), entry));
    // docker save's layers and the blobs of a layout make an image, whatever its manifest
    // says: a damaged one is an image that cannot be read, not a tarball.
    manifest = manifest || inputs::is_layer_member(name);
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
    reader.visit_files([&](const std::vector<inputs::ImageReader::Holder>& holders,
                           const inputs::LayerEntry& entry, archive* archive_reader,
                           archive_entry*) {
      bool configuration = false, wanted = false;
      for (const auto& holder : holders) {
        for (const auto& name : *holder.names) {
          configuration = configuration || is_loader_configuration(name);
          wanted = wanted || (options.keep && options.keep(name));
        }
      }
      if (!configuration && !wanted) return;
      auto bytes = inputs::read_whole(archive_reader,
                                      configuration   ? inputs::kMaxConfiguration
                                      : kept >= limit ? 0
                                                      : limit - kept,
                                      entry.name);
      kept += bytes.size();
      auto content = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
      for (const auto& holder : holders) {
        for (const auto& name : *holder.names) reader.keep(holder.platform, name, content);
      }
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
