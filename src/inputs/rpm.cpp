#include "rpm.hpp"

#include <archive.h>
#include <mbedtls/md5.h>
#include <mbedtls/sha256.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <new>
#include <optional>

#include "archive.hpp"
#include "portcheck/strings.hpp"

namespace portcheck::inputs {
namespace {

// rpm's own bounds on a header (lib/header.c: hdrchkTags, hdrchkData).
constexpr uint32_t kMaxHeaderEntries = 0xffff;
constexpr uint32_t kMaxHeaderData = 0x0fffffff;
constexpr size_t kLeadSize = 96;
// The names of hard links waiting for the member that carries their data.
constexpr size_t kMaxPendingNames = size_t{64} << 20;

constexpr uint32_t kSigMd5 = 1004;                // header and payload, MD5 (BIN, 16 bytes)
constexpr uint32_t kTagPayloadDigest = 5092;      // compressed payload, hex (STRING_ARRAY)
constexpr uint32_t kTagPayloadDigestAlgo = 5093;  // INT32; 8 is SHA-256 (PGPHASHALGO_SHA256)
constexpr uint32_t kSha256 = 8;

uint32_t big_endian(const uint8_t* bytes) {
  return uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 | bytes[3];
}

// One header structure: its index entries and data store, and where it ends.
struct Header {
  std::vector<uint8_t> store;
  uint32_t entries = 0;
  uint64_t end = 0;

  // The bytes of TAG's value: a BIN entry whole, a string (or the first of an array) without
  // its NUL, an INT32 as its 4 bytes. Nothing when absent or out of bounds.
  std::optional<std::string> value(uint32_t tag) const {
    const uint8_t* data = store.data() + size_t{16} * entries;
    size_t data_size = store.size() - size_t{16} * entries;
    for (uint32_t i = 0; i < entries; ++i) {
      const uint8_t* entry = store.data() + size_t{16} * i;
      if (big_endian(entry) != tag) continue;
      uint32_t type = big_endian(entry + 4), offset = big_endian(entry + 8);
      uint32_t count = big_endian(entry + 12);
      if (offset >= data_size) return std::nullopt;
      const char* start = reinterpret_cast<const char*>(data + offset);
      size_t room = data_size - offset;
      if (type == 7)
        return count <= room ? std::optional<std::string>({start, count}) : std::nullopt;
      if (type == 4) return room >= 4 ? std::optional<std::string>({start, 4}) : std::nullopt;
      const void* nul = std::memchr(start, 0, room);
      if (!nul) return std::nullopt;
      return std::string(start, static_cast<const char*>(nul));
    }
    return std::nullopt;
  }
};

// Reads the header at `at`; on failure says why.
std::optional<Header> read_header(const ByteSource& source, uint64_t at, const char* which,
                                  std::string& why) {
  uint8_t intro[16];
  if (!source.read(at, intro, sizeof intro)) {
    why = std::string("the package is cut short in its ") + which;
    return std::nullopt;
  }
  if (std::memcmp(intro, "\x8e\xad\xe8\x01", 4) != 0) {
    why = std::string("the ") + which + " has no header magic";
    return std::nullopt;
  }
  Header header;
  header.entries = big_endian(intro + 8);
  uint32_t data = big_endian(intro + 12);
  if (header.entries > kMaxHeaderEntries || data > kMaxHeaderData) {
    why = std::string("the ") + which + " declares more entries or data than rpm allows";
    return std::nullopt;
  }
  uint64_t length = uint64_t{16} * header.entries + data;
  if (at + 16 > source.size || length > source.size - at - 16) {
    why = std::string("the package is cut short in its ") + which;
    return std::nullopt;
  }
  header.store.resize(static_cast<size_t>(length));
  if (!source.read(at + 16, header.store.data(), header.store.size())) {
    why = std::string("the ") + which + " cannot be read";
    return std::nullopt;
  }
  header.end = at + 16 + length;
  return header;
}

// Hashes [from, size) of the package with SHA-256 (or MD5) and returns the hex digest.
std::optional<std::string> digest(const ByteSource& source, uint64_t from, bool sha256) {
  mbedtls_sha256_context sha;
  mbedtls_md5_context md5;
  mbedtls_sha256_init(&sha);
  mbedtls_md5_init(&md5);
  sha256 ? mbedtls_sha256_starts_ret(&sha, 0) : mbedtls_md5_starts_ret(&md5);
  std::vector<uint8_t> buffer(size_t{1} << 20);
  bool read = true;
  for (uint64_t at = from; at < source.size && read; at += buffer.size()) {
    size_t length = static_cast<size_t>(std::min<uint64_t>(buffer.size(), source.size - at));
    read = source.read(at, buffer.data(), length);
    if (read && sha256) mbedtls_sha256_update_ret(&sha, buffer.data(), length);
    if (read && !sha256) mbedtls_md5_update_ret(&md5, buffer.data(), length);
  }
  uint8_t out[32];
  sha256 ? mbedtls_sha256_finish_ret(&sha, out) : mbedtls_md5_finish_ret(&md5, out);
  mbedtls_sha256_free(&sha);
  mbedtls_md5_free(&md5);
  if (!read) return std::nullopt;
  return hex_digits(out, sha256 ? 32 : 16);
}

// The decompressed payload, pulled from libarchive a chunk at a time.
class Payload {
 public:
  explicit Payload(archive* reader) : reader_(reader) {}

  // Exactly `length` bytes, or false at the end of the payload or a decompression error.
  bool read(uint8_t* out, size_t length) {
    while (length > 0) {
      if (position_ == buffer_.size() && !refill()) return false;
      size_t part = std::min(length, buffer_.size() - position_);
      if (out) std::memcpy(out, buffer_.data() + position_, part);
      if (out) out += part;
      position_ += part;
      offset_ += part;
      length -= part;
    }
    return true;
  }
  bool skip(uint64_t length) {
    while (length > 0) {
      size_t part = static_cast<size_t>(std::min<uint64_t>(length, size_t{1} << 30));
      if (!read(nullptr, part)) return false;
      length -= part;
    }
    return true;
  }
  bool failed() const { return failed_; }
  uint64_t offset() const { return offset_; }
  // libarchive's words for a decompression error.
  std::string why() const { return why_failed(reader_, "the payload does not decompress"); }

 private:
  archive* reader_;
  std::vector<uint8_t> buffer_ = std::vector<uint8_t>(65536);
  size_t position_ = 65536;
  uint64_t offset_ = 0;
  bool failed_ = false;

  bool refill() {
    buffer_.resize(65536);
    la_ssize_t got = archive_read_data(reader_, buffer_.data(), buffer_.size());
    if (got < 0) failed_ = true;
    if (got <= 0) return false;
    buffer_.resize(static_cast<size_t>(got));
    position_ = 0;
    return true;
  }
};

// One cpio header, in the new (070701, 070702) or the old portable (070707) form.
struct CpioEntry {
  uint64_t inode = 0, mode = 0, links = 0, mtime = 0, size = 0, name_size = 0, device = 0;
  bool new_form = true;
};

std::optional<uint64_t> number(const uint8_t* text, size_t width, int base) {
  const char* begin = reinterpret_cast<const char*>(text);
  uint64_t value = 0;
  auto [end, error] = std::from_chars(begin, begin + width, value, base);
  if (error != std::errc() || end != begin + width) return std::nullopt;
  return value;
}

// Parses a header whose 6 magic bytes are already in `head`; false when it is damaged.
bool parse_cpio(Payload& payload, uint8_t (&head)[110], CpioEntry& entry) {
  entry.new_form = std::memcmp(head, "070701", 6) == 0 || std::memcmp(head, "070702", 6) == 0;
  if (!entry.new_form) {
    if (std::memcmp(head, "070707", 6) != 0 || !payload.read(head + 6, 70)) return false;
    // dev ino mode uid gid nlink rdev (6 octal digits each), mtime (11), namesize (6), size (11)
    auto dev = number(head + 6, 6, 8), ino = number(head + 12, 6, 8);
    auto mode = number(head + 18, 6, 8), links = number(head + 36, 6, 8);
    auto mtime = number(head + 48, 11, 8), name = number(head + 59, 6, 8);
    auto size = number(head + 65, 11, 8);
    if (!dev || !ino || !mode || !links || !mtime || !name || !size) return false;
    entry = {*ino, *mode, *links, *mtime, *size, *name, *dev, false};
    return true;
  }
  if (!payload.read(head + 6, 104)) return false;
  uint64_t field[13];
  for (size_t i = 0; i < 13; ++i) {
    auto value = number(head + 6 + 8 * i, 8, 16);
    if (!value) return false;
    field[i] = *value;
  }
  // ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
  entry = {field[0], field[1], field[4], field[5], field[6], field[11], field[7] << 32 | field[8],
           true};
  return true;
}

constexpr uint64_t kTypeMask = 0170000, kDirectory = 0040000, kRegular = 0100000,
                   kSymlink = 0120000;

// Reads the cpio archive of a payload, member after member, as strictly as rpm writes it.
class CpioReader {
 public:
  CpioReader(Payload& payload, std::string display, int depth, const ArchiveContext& context)
      : payload_(payload), display_(std::move(display)), depth_(depth), context_(context) {}

  // False after reporting damage.
  bool read() {
    for (;;) {
      uint8_t head[110];
      if (!payload_.read(head, 6)) {
        return corrupt(payload_.offset() == 0 ? "the RPM payload is empty"
                                              : "the cpio archive of the RPM payload ends "
                                                "without its trailer");
      }
      if (std::memcmp(head, "07070X", 6) == 0) return stripped();
      CpioEntry entry;
      uint64_t at = payload_.offset() - 6;
      if (!parse_cpio(payload_, head, entry)) {
        return corrupt("no valid cpio header at byte " + std::to_string(at) +
                       " of the RPM payload");
      }
      new_form_ = entry.new_form;
      std::optional<std::string> name = read_name(entry);
      if (!name) return false;
      if (*name == "TRAILER!!!") return true;
      if (!member(entry, *name)) return false;
    }
  }

 private:
  Payload& payload_;
  std::string display_;
  int depth_;
  const ArchiveContext& context_;
  // (device, inode) of hard links seen without data -> their names.
  std::map<std::pair<uint64_t, uint64_t>, std::vector<std::string>> pending_;
  size_t pending_bytes_ = 0;

  // A decompression error is the cause of whatever ended early: libarchive says which.
  bool corrupt(const std::string& what) {
    std::string why = payload_.failed() ? "the RPM payload: " + payload_.why() : what;
    member_error(display_, ErrorKind::malformed, "corrupt archive: " + why, context_);
    return false;
  }

  bool stripped() {
    member_error(display_, ErrorKind::unsupported,
                 "the RPM payload is in rpm's stripped cpio form (07070X, used for packages "
                 "with files over 4 GiB), which portcheck does not read",
                 context_);
    return false;
  }

  bool new_form_ = true;  // of the entry being read: only the new form pads to 4 bytes
  uint64_t padding(uint64_t length) const { return new_form_ ? (4 - length % 4) % 4 : 0; }

  std::optional<std::string> read_name(const CpioEntry& entry) {
    if (entry.name_size == 0 || entry.name_size > kMaxPath) {
      corrupt("a cpio member name of " + std::to_string(entry.name_size) +
              " bytes in the RPM payload");
      return std::nullopt;
    }
    std::string name(static_cast<size_t>(entry.name_size), '\0');
    bool read = payload_.read(reinterpret_cast<uint8_t*>(name.data()), name.size()) &&
                payload_.skip(padding((entry.new_form ? 110 : 76) + entry.name_size));
    if (!read || name.back() != '\0' || name.find('\0') != name.size() - 1) {
      corrupt(read ? "a cpio member name in the RPM payload that is not one string"
                   : "the RPM payload ends inside a cpio member name");
      return std::nullopt;
    }
    name.pop_back();
    while (name.rfind("./", 0) == 0) name.erase(0, 2);
    while (!name.empty() && name[0] == '/') name.erase(0, 1);
    return name;
  }

  bool skip_data(const CpioEntry& entry) {
    if (payload_.skip(entry.size + padding(entry.size))) return true;
    return corrupt("the RPM payload ends inside the data of a cpio member");
  }

  bool member(const CpioEntry& entry, const std::string& name) {
    std::string path = display_ + "!/" + name;
    uint64_t type = entry.mode & kTypeMask;
    if (type == kDirectory) return skip_data(entry);
    if (name.empty() || excluded(context_.options, path)) {
      if (!name.empty()) ++context_.stats.excluded;
      return skip_data(entry);
    }
    if (type == kSymlink) return symlink(entry, name);
    if (type != kRegular) {
      ++context_.stats.skipped;  // devices, FIFOs, sockets
      return skip_data(entry);
    }
    if (entry.size == 0 && entry.links > 1 && entry.new_form) return wait_for_data(entry, name);
    return regular(entry, name, path);
  }

  bool symlink(const CpioEntry& entry, const std::string& name) {
    if (entry.size == 0 || entry.size > kMaxPath) {
      return corrupt("a symlink of " + std::to_string(entry.size) + " bytes in the RPM payload");
    }
    std::string target(static_cast<size_t>(entry.size), '\0');
    if (!payload_.read(reinterpret_cast<uint8_t*>(target.data()), target.size()) ||
        !payload_.skip(padding(entry.size))) {
      return corrupt("the RPM payload ends inside a symlink");
    }
    record_alias(PathAlias{display_ + "!/" + name, display_ + "!/" + link_target(name, target)},
                 display_, context_);
    return true;
  }

  // In the new form the data of hard-linked files comes with the last of their names.
  bool wait_for_data(const CpioEntry& entry, const std::string& name) {
    if (pending_bytes_ + name.size() > kMaxPendingNames) {
      return corrupt("its hard links hold more than 64 MiB of names");
    }
    pending_bytes_ += name.size();
    pending_[{entry.device, entry.inode}].push_back(name);
    return true;
  }

  bool regular(const CpioEntry& entry, const std::string& name, const std::string& path) {
    size_t head = static_cast<size_t>(std::min<uint64_t>(entry.size, 512));
    std::vector<uint8_t> bytes(head);
    if (!payload_.read(bytes.data(), head)) {
      return corrupt("the RPM payload ends inside the data of " + name);
    }
    uint64_t rest = entry.size - head;
    auto links = pending_.extract({entry.device, entry.inode});
    if (!is_analysable(bytes)) {
      ++context_.stats.skipped;
      return payload_.skip(rest + padding(entry.size)) ||
             corrupt("the RPM payload ends inside the data of " + name);
    }
    if (entry.size > member_limit(context_)) {
      member_over_budget(Member::too_large, path, context_);
      return payload_.skip(rest + padding(entry.size)) ||
             corrupt("the RPM payload ends inside the data of " + name);
    }
    try {
      bytes.resize(static_cast<size_t>(entry.size));
    } catch (const std::bad_alloc&) {
      member_over_budget(Member::out_of_memory, path, context_);
      return payload_.skip(rest + padding(entry.size));
    }
    if (!payload_.read(bytes.data() + head, static_cast<size_t>(rest)) ||
        !payload_.skip(padding(entry.size))) {
      return corrupt("the RPM payload ends inside the data of " + name);
    }
    if (links) {
      for (const auto& link : links.mapped()) {
        record_alias(PathAlias{display_ + "!/" + link, path}, display_, context_);
      }
    }
    hand_on(std::move(bytes), path, display_ + "!/", depth_, iso_date(entry.mtime), context_);
    return true;
  }
};

struct Feed {
  const ByteSource* source;
  uint64_t at;
  std::vector<uint8_t> buffer = std::vector<uint8_t>(65536);
};

la_ssize_t feed_payload(archive*, void* data, const void** out) {
  auto* feed = static_cast<Feed*>(data);
  if (feed->at >= feed->source->size) return 0;
  auto length =
      static_cast<size_t>(std::min<uint64_t>(feed->buffer.size(), feed->source->size - feed->at));
  if (!feed->source->read(feed->at, feed->buffer.data(), length)) return -1;
  feed->at += length;
  *out = feed->buffer.data();
  return static_cast<la_ssize_t>(length);
}

void damaged(const std::string& display, const std::string& why, const ArchiveContext& context) {
  member_error(display, ErrorKind::malformed, "corrupt archive: " + why, context);
}

// Checks the payload against the digest the package carries: the SHA-256 of the compressed
// payload (rpm 4.14 and later), else the MD5 of the header and payload (the signature header).
bool digest_matches(const ByteSource& source, const Header& signature, const Header& main,
                    uint64_t main_start, const std::string& display,
                    const ArchiveContext& context) {
  auto algorithm = main.value(kTagPayloadDigestAlgo);
  auto expected = main.value(kTagPayloadDigest);
  bool sha256 =
      expected &&
      (!algorithm || (algorithm->size() == 4 &&
                      big_endian(reinterpret_cast<const uint8_t*>(algorithm->data())) == kSha256));
  if (!sha256) {
    auto md5 = signature.value(kSigMd5);
    if (!md5 || md5->size() != 16) return true;  // no digest portcheck can check
    expected = hex_digits(reinterpret_cast<const uint8_t*>(md5->data()), 16);
  }
  auto found = digest(source, sha256 ? main.end : main_start, sha256);
  if (found && *found == *expected) return true;
  if (!found) {
    damaged(display, "the RPM payload cannot be read", context);
    return false;
  }
  damaged(display,
          std::string("the RPM payload does not match the ") +
              (sha256 ? "SHA-256 payload digest" : "MD5 digest") + " in its header",
          context);
  return false;
}

void read_rpm(const ByteSource& source, const std::string& display, int depth,
              const ArchiveContext& context) {
  uint8_t lead[kLeadSize];
  if (!source.read(0, lead, sizeof lead))
    return damaged(display, "the RPM lead is cut short", context);
  std::string why;
  auto signature = read_header(source, kLeadSize, "signature header", why);
  if (!signature) return damaged(display, why, context);
  uint64_t main_start = (signature->end + 7) / 8 * 8;  // padded to 8 bytes
  auto main = read_header(source, main_start, "header", why);
  if (!main) return damaged(display, why, context);
  if (!digest_matches(source, *signature, *main, main_start, display, context)) return;
  ArchivePtr reader = new_stream_reader();
  Feed feed{&source, main->end};
  archive_entry* entry = nullptr;
  if (archive_read_open(reader.get(), &feed, nullptr, feed_payload, nullptr) != ARCHIVE_OK ||
      archive_read_next_header(reader.get(), &entry) != ARCHIVE_OK) {
    return damaged(display, "the RPM payload: " + why_failed(reader.get(), "unreadable"), context);
  }
  Payload payload(reader.get());
  CpioReader cpio(payload, display, depth, context);
  cpio.read();
}

}  // namespace

bool has_rpm_lead(const std::vector<uint8_t>& first) {
  return first.size() >= 4 && std::memcmp(first.data(), "\xed\xab\xee\xdb", 4) == 0;
}

void read_rpm_file(const std::string& path, const std::string& display,
                   const ArchiveContext& context) {
  FileSource file(path);
  if (file.error()) {
    return member_error(display, ErrorKind::unreadable, std::strerror(file.error()), context);
  }
  read_rpm(file.bytes(), display, 1, context);
}

void read_rpm_bytes(const std::vector<uint8_t>& bytes, const std::string& display, int depth,
                    const ArchiveContext& context) {
  read_rpm(ByteSource{-1, bytes.data(), bytes.size()}, display, depth, context);
}

}  // namespace portcheck::inputs
