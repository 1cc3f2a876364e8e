// Reading archives in place with libarchive: members stay in memory, nothing reaches the disk.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "member.hpp"

struct archive;

namespace portcheck::inputs {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

// A reader of one compressed stream: the decompressors portcheck enables and no archive format,
// so that the decompressed bytes are the data of one entry.
ArchivePtr new_stream_reader();

// A reader of tar archives (container image layers and the archives holding them) in any of
// the compressions of new_stream_reader.
ArchivePtr new_tar_reader();

// Reads the current member whole only when its first bytes say ELF, archive or SquashFS; the
// rest is skipped unread, so a large data file never sits in memory. At most `limit` bytes.
Member read_member(archive* reader, size_t limit, std::vector<uint8_t>& bytes);

// libarchive's own words for the last error, on one line (some of its messages end in a newline).
std::string why_failed(archive* reader, const char* otherwise);
// `depth` is 1 for an archive on disk, 2 for one inside it; deeper archives are not opened.
void read_archive_file(const std::string& path, const std::string& display,
                       const ArchiveContext& context);
void read_archive_bytes(const std::vector<uint8_t>& bytes, const std::string& display, int depth,
                        const ArchiveContext& context);

bool excluded(const WalkOptions& options, const std::string& path);

}  // namespace portcheck::inputs
