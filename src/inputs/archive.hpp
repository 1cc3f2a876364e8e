// Reading archives in place with libarchive: members stay in memory, nothing reaches the disk.
#pragma once

#include <string>
#include <vector>

#include "member.hpp"

namespace portcheck::inputs {

// `depth` is 1 for an archive on disk, 2 for one inside it; deeper archives are not opened.
void read_archive_file(const std::string& path, const std::string& display,
                       const ArchiveContext& context);
void read_archive_bytes(const std::vector<uint8_t>& bytes, const std::string& display, int depth,
                        const ArchiveContext& context);

bool excluded(const WalkOptions& options, const std::string& path);

}  // namespace portcheck::inputs
