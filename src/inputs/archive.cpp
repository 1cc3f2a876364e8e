#include "archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fnmatch.h>

#include <cerrno>
#include <memory>
#include <new>

#include "portcheck/strings.hpp"

namespace portcheck::inputs {
namespace {

// libarchive's ARCHIVE_ERRNO_FILE_FORMAT ("unrecognized or invalid format") is EILSEQ on Linux.
constexpr int kFileFormatErrno = EILSEQ;

using SupportFunction = int (*)(archive*);

// The decompressors portcheck documents. libarchive falls back to running an external program
// (`gzip -d`, `zstd -d`, ...) when it was built without the library; such a filter answers
// ARCHIVE_WARN and is left out, so no input can make portcheck run a program. The "all" calls
// are never used: they also enable lzop, lrzip, grzip, uudecode and the rest, which exist only
// as external programs.
constexpr SupportFunction kFilters[] = {
    archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
    archive_read_support_filter_xz,   archive_read_support_filter_lzma,
    archive_read_support_filter_zstd, archive_read_support_filter_lz4,
};
// tar (and the pax and GNU variants it covers), zip for wheels, ar for .deb. Formats that read
// other files from disk (mtree) or that no release uses are not enabled; RPM payloads are cpio,
// which src/inputs/rpm.cpp reads itself, more strictly than libarchive's cpio reader.
constexpr SupportFunction kFormats[] = {
    archive_read_support_format_tar,
    archive_read_support_format_zip,
    archive_read_support_format_ar,
};

// Which of kFilters run in-process, probed once on a reader that never opens anything.
const std::vector<SupportFunction>& in_process_filters() {
  static const std::vector<SupportFunction> filters = [] {
    std::vector<SupportFunction> found;
    for (SupportFunction filter : kFilters) {
      ArchivePtr probe(archive_read_new(), archive_read_free);
      if (probe && filter(probe.get()) == ARCHIVE_OK) found.push_back(filter);
    }
    return found;
  }();
  return filters;
}

ArchivePtr new_reader() {
  ArchivePtr reader(archive_read_new(), archive_read_free);
  if (!reader) throw std::bad_alloc();
  for (SupportFunction filter : in_process_filters()) filter(reader.get());
  for (SupportFunction format : kFormats) format(reader.get());
  return reader;
}

// Names as stored: UTF-8 where the archive says so (zip, pax), whatever the locale; the
// locale-converted name only when there is no UTF-8 form.
std::string utf8_or_raw(const char* utf8, const char* raw) {
  if (utf8) return utf8;
  return raw ? raw : "";
}

std::string member_name(archive_entry* entry) {
  return without_dot_slash(
      utf8_or_raw(archive_entry_pathname_utf8(entry), archive_entry_pathname(entry)));
}

void report_error(const std::string& display, const std::string& message,
                  const ArchiveContext& context) {
  member_error(display, ErrorKind::malformed, "corrupt archive: " + message, context);
}

std::string modified_date(archive_entry* entry) {
  return archive_entry_mtime_is_set(entry) ? iso_date(archive_entry_mtime(entry)) : "";
}

// In a tar a device node is a device node; in a zip the mode is a hint that installers ignore.
// (A zip directory is a name ending in '/'; a mode saying directory on another name is a hint.)
bool is_special_zip_member(archive* reader, archive_entry* entry, const std::string& name) {
  int format = archive_format(reader) & ARCHIVE_FORMAT_BASE_MASK;
  auto type = archive_entry_filetype(entry);
  bool directory =
      type == AE_IFDIR && !name.empty() && name.back() == '/' && archive_entry_size(entry) <= 0;
  return format == ARCHIVE_FORMAT_ZIP && type != AE_IFREG && type != AE_IFLNK && !directory;
}

bool is_deb_member(archive* reader, const std::string& name, const char* prefix) {
  int format = archive_format(reader) & ARCHIVE_FORMAT_BASE_MASK;
  return format == ARCHIVE_FORMAT_AR && name.rfind(prefix, 0) == 0;
}

// Symlinks and hard links among the members are second names of other members.
bool record_link(archive_entry* entry, const std::string& display, const std::string& name,
                 const ArchiveContext& context) {
  std::string hardlink =
      utf8_or_raw(archive_entry_hardlink_utf8(entry), archive_entry_hardlink(entry));
  std::string symlink =
      archive_entry_filetype(entry) == AE_IFLNK
          ? utf8_or_raw(archive_entry_symlink_utf8(entry), archive_entry_symlink(entry))
          : "";
  if (hardlink.empty() && symlink.empty()) return false;
  std::string target = hardlink.empty() ? link_target(name, symlink) : without_dot_slash(hardlink);
  record_alias(PathAlias{display + "!/" + name, display + "!/" + target}, display, context);
  return true;
}

// A compressed file that holds no archive (man.1.gz, config.gz) is not a release member when
// met in a directory, and an error when named.
void not_an_archive(const std::string& display, const ArchiveContext& context) {
  if (!context.named) {
    ++context.stats.skipped;
    return;
  }
  member_error(display, ErrorKind::not_elf, "neither an ELF file nor an archive of a known format",
               context);
}

void open_failed(archive* reader, const std::string& display, const ArchiveContext& context) {
  if (archive_errno(reader) == kFileFormatErrno) return not_an_archive(display, context);
  report_error(display, why_failed(reader, "cannot be opened"), context);
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
      report_error(display, why_failed(reader, "unreadable"), context);
      return false;
    }
    std::string name = member_name(entry);
    if (record_link(entry, display, name, context)) continue;
    bool special = is_special_zip_member(reader, entry, name);
    if (archive_entry_filetype(entry) == AE_IFDIR && !special) continue;
    std::string path = display + "!/" + name;
    if (special) {
      member_error(path, ErrorKind::unsupported,
                   "the zip member's mode says device, FIFO or socket: unzip and pip install it "
                   "as a regular file, whose data libarchive does not hand over",
                   context);
      continue;
    }
    if (name.empty()) {
      member_error(path, ErrorKind::unreadable,
                   "a member whose name cannot be read in this locale's character set", context);
      continue;
    }
    if (excluded(context.options, path)) {
      ++context.stats.excluded;
      continue;
    }
    Member member = read_member(reader, member_limit(context), bytes);
    if (member == Member::failed) {
      report_error(display, why_failed(reader, "unreadable") + " in " + name, context);
      return false;
    }
    if (member == Member::too_large || member == Member::out_of_memory) {
      bytes = {};
      member_over_budget(member, path, context);
    } else if (member == Member::skipped) {
      ++context.stats.skipped;
    } else if (is_deb_member(reader, name, "control.tar")) {
      ++context.stats.skipped;  // maintainer scripts and metadata, never installed
    } else if (!context.in_deb_data && is_deb_member(reader, name, "data.tar")) {
      // A .deb is an ar archive whose data.tar.* holds the installed files: report them under
      // the .deb itself, as dpkg would install them. Inside that, an ar archive is only a
      // nested archive, so that a .deb in a .deb in a .deb cannot nest without end.
      ArchiveContext data = context;
      data.in_deb_data = true;
      read_archive_bytes(bytes, display, depth, data);
    } else {
      hand_on(std::move(bytes), path, display + "!/", depth, modified_date(entry), context);
      bytes = {};
    }
  }
}

}  // namespace

std::string why_failed(archive* reader, const char* otherwise) {
  const char* why = archive_error_string(reader);
  std::string text = why ? why : otherwise;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

ArchivePtr new_stream_reader() {
  ArchivePtr reader(archive_read_new(), archive_read_free);
  if (!reader) throw std::bad_alloc();
  for (SupportFunction filter : in_process_filters()) filter(reader.get());
  archive_read_support_format_raw(reader.get());
  return reader;
}

Member read_member(archive* reader, size_t limit, std::vector<uint8_t>& bytes) {
  bytes.clear();
  uint8_t buffer[65536];
  bool checked = false;
  for (;;) {
    la_ssize_t got = archive_read_data(reader, buffer, sizeof buffer);
    if (got < 0) return Member::failed;
    if (got == 0) return checked || is_analysable(bytes) ? Member::read : Member::skipped;
    if (bytes.size() + static_cast<size_t>(got) > limit) return Member::too_large;
    try {
      // Grows geometrically from what was read, never from the declared size.
      bytes.insert(bytes.end(), buffer, buffer + got);
    } catch (const std::bad_alloc&) {
      return Member::out_of_memory;
    }
    if (!checked && bytes.size() >= 512) {
      checked = true;
      if (!is_analysable(bytes)) return Member::skipped;
    }
  }
}

ArchivePtr new_tar_reader() {
  ArchivePtr reader(archive_read_new(), archive_read_free);
  if (!reader) throw std::bad_alloc();
  for (SupportFunction filter : in_process_filters()) filter(reader.get());
  archive_read_support_format_tar(reader.get());
  return reader;
}

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
