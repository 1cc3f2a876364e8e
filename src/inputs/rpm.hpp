// Reading RPM packages in place: the lead and both headers are parsed by portcheck (to find the
// payload and its digest), the payload is checked against the digest, decompressed by libarchive
// and its cpio archive read by a strict reader of portcheck's own, which never skips damage,
// bounds every name, and gives hard-linked files their data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "member.hpp"

namespace portcheck::inputs {

// The first bytes of an RPM package (its lead).
bool has_rpm_lead(const std::vector<uint8_t>& first);

// Reports the files an RPM package on disk installs as `display!/usr/bin/tool`.
void read_rpm_file(const std::string& path, const std::string& display,
                   const ArchiveContext& context);

// The same for a package held in memory (a member of an archive), at `depth`.
void read_rpm_bytes(const std::vector<uint8_t>& bytes, const std::string& display, int depth,
                    const ArchiveContext& context);

}  // namespace portcheck::inputs
