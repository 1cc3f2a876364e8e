// What every container read in place shares (archives, RPM packages, SquashFS images): the
// context of the release being read, its bytes, error entries for its members, the memory a
// member may take, and the bounded record of symlinks and hard links.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portcheck/inputs.hpp"

namespace portcheck::inputs {

struct ArchiveContext {
  std::string release;
  const WalkOptions& options;
  const InputSink& sink;
  WalkStats& stats;
  bool named = false;        // the archive itself was named on the command line
  bool in_deb_data = false;  // reading the data archive of a .deb
};

// The longest path Linux resolves (PATH_MAX): no member name or link target may be longer.
constexpr size_t kMaxPath = 4096;

// A container's bytes: an open file read with pread, or a buffer in memory. Every read is
// checked against `size`; a file that shrinks under it fails the read.
struct ByteSource {
  int fd = -1;
  const uint8_t* memory = nullptr;
  uint64_t size = 0;

  bool read(uint64_t at, void* out, size_t length) const;
};

// A container on disk opened read-only (never blocking on a special file) for as long as this
// lives; `error` is the errno of a failed open.
class FileSource {
 public:
  explicit FileSource(const std::string& path);
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  const ByteSource& bytes() const { return source_; }
  int error() const { return error_; }

 private:
  ByteSource source_;
  int error_ = 0;
};

// Archives inside archives are opened to this depth (1 is a container on disk) and no deeper.
constexpr int kMaxDepth = 2;

enum class Member { read, skipped, failed, too_large, out_of_memory };

void member_error(const std::string& path, ErrorKind kind, const std::string& message,
                  const ArchiveContext& context);

// What a member may hold in memory: the bytes actually read are counted, not the size its
// header declares, and reading stops as soon as they pass the limit.
size_t member_limit(const ArchiveContext& context);

// ELF files, archives and SquashFS images are read; a member shorter than the 512 bytes looked at
// first is judged by what it holds, like a small file on disk.
bool is_analysable(const std::vector<uint8_t>& bytes);

// A member that cannot be held is an error of its own; the members after it are still read.
void member_over_budget(Member member, const std::string& path, const ArchiveContext& context);

// What a member read whole becomes, inside a container at `depth` whose members are written
// `container` + name: an AppImage (its runtime, and its image's files within kMaxDepth), an ELF
// file, or an RPM package, SquashFS image or archive opened one level deeper while that stays
// within kMaxDepth; anything else is counted as skipped.
void hand_on(std::vector<uint8_t> bytes, const std::string& path, const std::string& container,
             int depth, const std::string& modified, const ArchiveContext& context);

// Records a second name of a member, within a bound on the bytes all names take.
void record_alias(PathAlias alias, const std::string& display, const ArchiveContext& context);

// A member name without its leading "./" (tar writes "./usr/bin/tool").
std::string without_dot_slash(std::string name);

// Bytes as lowercase hex digits, as digests are written.
std::string hex_digits(const uint8_t* bytes, size_t length);

// Where a link named `name` (a member path, no leading '/') points: a relative target from the
// link's directory, an absolute one from the container's root.
std::string link_target(const std::string& name, const std::string& target);

}  // namespace portcheck::inputs
