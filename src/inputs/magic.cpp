#include <cstring>

#include "portcheck/inputs.hpp"

namespace portcheck {
namespace {

bool starts_with(const std::vector<uint8_t>& bytes, const char* magic, size_t length,
                 size_t offset = 0) {
  return bytes.size() >= offset + length && std::memcmp(bytes.data() + offset, magic, length) == 0;
}

}  // namespace

bool has_elf_magic(const std::vector<uint8_t>& bytes) {
  return starts_with(bytes,
                     "\x7f"
                     "ELF",
                     4);
}

// gzip, bzip2, xz, zstd (compressed tar), zip (wheels), ar (.deb), an RPM package's lead, and
// plain tar.
bool has_archive_magic(const std::vector<uint8_t>& bytes) {
  return starts_with(bytes, "\x1f\x8b", 2) || starts_with(bytes, "BZh", 3) ||
         starts_with(bytes,
                     "\xfd"
                     "7zXZ\x00",
                     6) ||
         starts_with(bytes, "\x28\xb5\x2f\xfd", 4) || starts_with(bytes, "PK\x03\x04", 4) ||
         starts_with(bytes, "PK\x05\x06", 4) || starts_with(bytes, "!<arch>\n", 8) ||
         starts_with(bytes, "\xed\xab\xee\xdb", 4) || starts_with(bytes, "ustar", 5, 257);
}

}  // namespace portcheck
