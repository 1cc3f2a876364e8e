// Reading SquashFS images in place with libsquashfs: snaps and other images, and the image an
// AppImage (type 2) carries after its runtime. Nothing is mounted, unpacked or run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "member.hpp"

namespace portcheck::inputs {

// A SquashFS 4 image ("hsqs", little-endian): what snaps and AppImages hold.
bool has_squashfs_magic(const std::vector<uint8_t>& first);

// For an AppImage of type 2 (an ELF runtime marked "AI\x02" at byte 8 of its identification),
// where its image starts: the end of the runtime's section header table, as the AppImage runtime
// and appimagetool compute it. Nothing for any other file. `first` holds the first 64 bytes.
std::optional<uint64_t> appimage_image_offset(const std::vector<uint8_t>& first);

// Reports an AppImage on disk: its runtime as the file itself, then the files of its image as
// `path!/usr/bin/app`.
void read_appimage_file(const std::string& path, uint64_t image_offset, const std::string& modified,
                        const ArchiveContext& context);

// The same for an AppImage held in memory (a member of an archive) whose image is at `depth`:
// deeper than kMaxDepth, only its runtime is reported.
void read_appimage_bytes(const std::vector<uint8_t>& bytes, uint64_t image_offset,
                         const std::string& display, int depth, const std::string& modified,
                         const ArchiveContext& context);

// Reports the files of a SquashFS image on disk (offset 0) as `display!/member`.
void read_squashfs_file(const std::string& path, const std::string& display,
                        const ArchiveContext& context);

// The same for an image held in memory (a member of an archive), at `depth` (see read_archive).
void read_squashfs_bytes(const std::vector<uint8_t>& bytes, const std::string& display, int depth,
                         const ArchiveContext& context);

}  // namespace portcheck::inputs
