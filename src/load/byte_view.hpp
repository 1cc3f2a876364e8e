// Bounds-checked reads of ELF fields from a file's bytes, in the file's byte order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "portcheck/file_bytes.hpp"

namespace portcheck::load {

class ByteView {
 public:
  ByteView(const FileBytes& bytes, bool big_endian) : bytes_(bytes), big_endian_(big_endian) {}

  uint64_t size() const { return bytes_.size(); }
  bool contains(uint64_t offset, uint64_t length) const {
    return offset <= bytes_.size() && length <= bytes_.size() - offset;
  }
  std::optional<uint64_t> u8(uint64_t offset) const { return read(offset, 1); }
  std::optional<uint64_t> u16(uint64_t offset) const { return read(offset, 2); }
  std::optional<uint64_t> u32(uint64_t offset) const { return read(offset, 4); }
  std::optional<uint64_t> u64(uint64_t offset) const { return read(offset, 8); }
  // A word of the file's class: 4 bytes in ELF32, 8 in ELF64.
  std::optional<uint64_t> word(uint64_t offset, bool is64) const {
    return read(offset, is64 ? 8 : 4);
  }
  // A NUL-terminated string that must end before `limit`.
  std::optional<std::string> c_string(uint64_t offset, uint64_t limit) const;

 private:
  std::optional<uint64_t> read(uint64_t offset, unsigned width) const;

  const FileBytes& bytes_;
  bool big_endian_;
};

}  // namespace portcheck::load
