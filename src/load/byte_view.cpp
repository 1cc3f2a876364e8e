#include "byte_view.hpp"

namespace portcheck::load {

std::optional<uint64_t> ByteView::read(uint64_t offset, unsigned width) const {
  if (!contains(offset, width)) return std::nullopt;
  uint64_t value = 0;
  for (unsigned i = 0; i < width; ++i) {
    unsigned index = big_endian_ ? i : width - 1 - i;
    value = (value << 8) | bytes_[offset + index];
  }
  return value;
}

std::optional<std::string> ByteView::c_string(uint64_t offset, uint64_t limit) const {
  if (limit > bytes_.size()) limit = bytes_.size();
  std::string text;
  for (uint64_t i = offset; i < limit; ++i) {
    if (bytes_[i] == 0) return text;
    text.push_back(static_cast<char>(bytes_[i]));
  }
  return std::nullopt;
}

}  // namespace portcheck::load
