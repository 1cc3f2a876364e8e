// Container images as inputs: every ELF file of each platform's merged file system, reported as
// `image.tar!/usr/bin/tool` (`image.tar[linux/arm64]!/...` when the image holds several).
#pragma once

#include <string>

#include "member.hpp"

namespace portcheck::inputs {

// Reads the image at `path` on disk (a tar or a layout directory), each platform a release of
// its own when there are several; the libraries its loader would search are recorded in the
// walk's statistics, its symlinks and hard links as aliases.
void read_image_input(const std::string& path, const ArchiveContext& context);

}  // namespace portcheck::inputs
