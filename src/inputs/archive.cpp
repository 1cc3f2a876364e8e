#include "archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fnmatch.h>

#include <cerrno>
#include <memory>

namespace portcheck::inputs {
namespace {

constexpr int kMaxDepth = 2;
// libarchive's ARCHIVE_ERRNO_FILE_FORMAT ("unrecognized or invalid format") is EILSEQ on Linux.
constexpr int kFileFormatErrno = EILSEQ;
// A member larger than this is not read into memory; no real ELF member comes near it.
constexpr int64_t kMaxMemberBytes = int64_t{4} << 30;

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

ArchivePtr new_reader() {
  ArchivePtr reader(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_all(reader.get());
  return reader;
}

std::string member_name(archive_entry* entry) {
  const char* raw = archive_entry_pathname(entry);
  std::string name = raw ? raw : "";
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  return name;
}

void report_error(const std::string& display, const std::string& message,
                  const ArchiveContext& context) {
  InputItem item;
  item.path = display;
  item.release = context.release;
  item.error = FileError{display, ErrorKind::malformed, "corrupt archive: " + message};
  context.sink(std::move(item));
}

enum class Member { read, skipped, failed };

// Reads a member whole only when its first bytes say ELF or archive; the rest is skipped
// unread, so a large data file never sits in memory.
Member read_member(archive* reader, int64_t size, std::vector<uint8_t>& bytes) {
  bytes.clear();
  uint8_t buffer[65536];
  bool checked = false;
  for (;;) {
    la_ssize_t got = archive_read_data(reader, buffer, sizeof buffer);
    if (got < 0) return Member::failed;
    if (got == 0) return checked || bytes.empty() ? Member::read : Member::skipped;
    bytes.insert(bytes.end(), buffer, buffer + got);
    if (!checked && bytes.size() >= 512) {
      checked = true;
      if (!has_elf_magic(bytes) && !has_archive_magic(bytes)) return Member::skipped;
      if (size > kMaxMemberBytes) return Member::failed;
      if (size > 0) bytes.reserve(static_cast<size_t>(size));
    }
  }
}

bool is_deb_member(archive* reader, const std::string& name, const char* prefix) {
  int format = archive_format(reader) & ARCHIVE_FORMAT_BASE_MASK;
  return format == ARCHIVE_FORMAT_AR && name.rfind(prefix, 0) == 0;
}

// Symlinks and hard links among the members are second names of other members.
bool record_alias(archive_entry* entry, const std::string& display, const std::string& name,
                  const ArchiveContext& context) {
  const char* hardlink = archive_entry_hardlink(entry);
  const char* symlink =
      archive_entry_filetype(entry) == AE_IFLNK ? archive_entry_symlink(entry) : nullptr;
  if (!hardlink && !symlink) return false;
  std::string target;
  if (hardlink) {
    target = hardlink;
    while (target.rfind("./", 0) == 0) target.erase(0, 2);
  } else if (symlink[0] == '/') {
    target = std::string(symlink).substr(1);
  } else {
    auto slash = name.find_last_of('/');
    target = (slash == std::string::npos ? "" : name.substr(0, slash + 1)) + symlink;
  }
  context.stats.aliases.push_back({display + "!/" + name, display + "!/" + target});
  return true;
}

// A compressed file that holds no archive (man.1.gz, config.gz) is not a release member when
// met in a directory, and an error when named.
void not_an_archive(const std::string& display, const ArchiveContext& context) {
  if (!context.named) {
    ++context.stats.skipped;
    return;
  }
  context.sink(InputItem{display,
                         context.release,
                         "",
                         {},
                         FileError{display, ErrorKind::not_elf,
                                   "neither an ELF file nor an archive of a known format"},
                         ""});
}

void open_failed(archive* reader, const std::string& display, const ArchiveContext& context) {
  if (archive_errno(reader) == kFileFormatErrno) return not_an_archive(display, context);
  const char* why = archive_error_string(reader);
  report_error(display, why ? why : "cannot be opened", context);
}

// Walks the members of an opened archive; returns false after reporting a read error.
bool read_members(archive* reader, const std::string& display, int depth,
                  const ArchiveContext& context) {
  archive_entry* entry = nullptr;
  std::vector<uint8_t> bytes;
  for (bool first = true;; first = false) {
    int status = archive_read_next_header(reader, &entry);
    if (status == ARCHIVE_EOF) return true;
    if (status < ARCHIVE_WARN && first && archive_errno(reader) == kFileFormatErrno) {
      not_an_archive(display, context);
      return true;
    }
    if (status < ARCHIVE_WARN) {
      report_error(display,
                   archive_error_string(reader) ? archive_error_string(reader) : "unreadable",
                   context);
      return false;
    }
    std::string name = member_name(entry);
    if (record_alias(entry, display, name, context)) continue;
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string path = display + "!/" + name;
    if (excluded(context.options, path)) {
      ++context.stats.excluded;
      continue;
    }
    Member member = read_member(reader, archive_entry_size(entry), bytes);
    if (member == Member::failed) {
      const char* why = archive_error_string(reader);
      report_error(display, std::string(why ? why : "member too large") + " in " + name, context);
      return false;
    }
    if (member == Member::skipped) {
      ++context.stats.skipped;
    } else if (has_elf_magic(bytes)) {
      std::string modified =
          archive_entry_mtime_is_set(entry) ? iso_date(archive_entry_mtime(entry)) : "";
      context.sink(InputItem{path, context.release, "", std::move(bytes), std::nullopt, modified});
      bytes = {};
    } else if (is_deb_member(reader, name, "control.tar")) {
      ++context.stats.skipped;  // maintainer scripts and metadata, never installed
    } else if (is_deb_member(reader, name, "data.tar")) {
      // A .deb is an ar archive whose data.tar.* holds the installed files: report them under
      // the .deb itself, as dpkg would install them.
      read_archive_bytes(bytes, display, depth, context);
    } else if (has_archive_magic(bytes) && depth < kMaxDepth) {
      read_archive_bytes(bytes, path, depth + 1, context);
    } else {
      ++context.stats.skipped;
    }
  }
}

}  // namespace

bool excluded(const WalkOptions& options, const std::string& path) {
  std::string base = path.substr(path.find_last_of("/!") + 1);
  for (const auto& glob : options.excludes) {
    if (fnmatch(glob.c_str(), path.c_str(), 0) == 0) return true;
    if (fnmatch(glob.c_str(), base.c_str(), 0) == 0) return true;
  }
  return false;
}

void read_archive_file(const std::string& path, const std::string& display,
                       const ArchiveContext& context) {
  ArchivePtr reader = new_reader();
  if (archive_read_open_filename(reader.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return open_failed(reader.get(), display, context);
  }
  read_members(reader.get(), display, 1, context);
}

void read_archive_bytes(const std::vector<uint8_t>& bytes, const std::string& display, int depth,
                        const ArchiveContext& context) {
  ArchivePtr reader = new_reader();
  if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return open_failed(reader.get(), display, context);
  }
  read_members(reader.get(), display, depth, context);
}

}  // namespace portcheck::inputs
