#include "member.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "archive.hpp"
#include "rpm.hpp"
#include "squashfs.hpp"

namespace portcheck::inputs {
namespace {

std::string mebibytes(size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// What the names of symlinks and hard links may take: an archive of a few hundred kilobytes can
// hold 80,000 links of 8 KB names each.
constexpr size_t kMaxAliasBytes = size_t{64} << 20;

}  // namespace

bool ByteSource::read(uint64_t at, void* out, size_t length) const {
  if (at > size || length > size - at) return false;
  if (memory) {
    std::memcpy(out, memory + at, length);
    return true;
  }
  auto* bytes = static_cast<uint8_t*>(out);
  while (length > 0) {
    ssize_t got = ::pread(fd, bytes, length, static_cast<off_t>(at));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;  // an error, or the file shrank under us
    bytes += got;
    at += static_cast<uint64_t>(got);
    length -= static_cast<size_t>(got);
  }
  return true;
}

FileSource::FileSource(const std::string& path) {
  source_.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat info {};
  if (source_.fd < 0 || ::fstat(source_.fd, &info) != 0) {
    error_ = errno;
    return;
  }
  source_.size = static_cast<uint64_t>(info.st_size);
}

FileSource::~FileSource() {
  if (source_.fd >= 0) ::close(source_.fd);
}

void member_error(const std::string& path, ErrorKind kind, const std::string& message,
                  const ArchiveContext& context) {
  InputItem item;
  item.path = path;
  item.release = context.release;
  item.error = FileError{path, kind, message};
  context.sink(std::move(item));
}

size_t member_limit(const ArchiveContext& context) {
  return largest_analysable(context.options.memory_budget);
}

bool is_analysable(const std::vector<uint8_t>& bytes) {
  return has_elf_magic(bytes) || has_archive_magic(bytes) || has_squashfs_magic(bytes);
}

void member_over_budget(Member member, const std::string& path, const ArchiveContext& context) {
  if (member == Member::too_large) {
    member_error(path, ErrorKind::out_of_memory,
                 "the member holds more than " + mebibytes(member_limit(context)) +
                     " (a third of the memory budget, --max-memory)",
                 context);
  } else {
    member_error(path, ErrorKind::out_of_memory, "memory ran out while reading the member",
                 context);
  }
}

void hand_on(std::vector<uint8_t> bytes, const std::string& path, const std::string& container,
             int depth, const std::string& modified, const ArchiveContext& outer) {
  bool may_open = depth < kMaxDepth;
  // A member is met, never named: a compressed file that holds no archive (man.1.gz) is
  // skipped, as in a directory, not an error of the archive named on the command line.
  ArchiveContext context = outer;
  context.named = false;
  if (auto image = appimage_image_offset(bytes)) {
    read_appimage_bytes(bytes, *image, path, depth + 1, modified, context);
  } else if (has_elf_magic(bytes)) {
    context.sink(
        InputItem{path, context.release, "", std::move(bytes), std::nullopt, modified, container});
  } else if (has_rpm_lead(bytes) && may_open) {
    read_rpm_bytes(bytes, path, depth + 1, context);
  } else if (has_squashfs_magic(bytes) && may_open) {
    read_squashfs_bytes(bytes, path, depth + 1, context);
  } else if (has_archive_magic(bytes) && may_open) {
    read_archive_bytes(bytes, path, depth + 1, context);
  } else {
    ++context.stats.skipped;
  }
}

void record_alias(PathAlias alias, const std::string& display, const ArchiveContext& context) {
  size_t bytes = alias.alias.size() + alias.target.size();
  if (context.stats.alias_bytes + bytes > kMaxAliasBytes) {
    if (!context.stats.aliases_cut) {
      member_error(display, ErrorKind::out_of_memory,
                   "its symlinks and hard links hold more than 64 MiB of names; the others "
                   "are not followed",
                   context);
    }
    context.stats.aliases_cut = true;
    return;
  }
  context.stats.alias_bytes += bytes;
  context.stats.aliases.push_back(std::move(alias));
}

std::string without_dot_slash(std::string name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  return name;
}

std::string hex_digits(const uint8_t* bytes, size_t length) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (size_t i = 0; i < length; ++i) {
    text += digits[bytes[i] >> 4];
    text += digits[bytes[i] & 15];
  }
  return text;
}

std::string link_target(const std::string& name, const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  auto slash = name.find_last_of('/');
  return (slash == std::string::npos ? "" : name.substr(0, slash + 1)) + target;
}

}  // namespace portcheck::inputs
