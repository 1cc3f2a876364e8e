// The parts of a file where strings live: everything but executable sections. Marker scans
// (toolchain, static libc, TLS) search only these, which skips most of a large binary's bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "raw_elf.hpp"

namespace portcheck::load {

// Needles are written with a '|' that is dropped at run time, so that portcheck's own binary
// never holds the strings it searches for: audited, it would otherwise find them in itself.
std::string needle(std::string_view written);

class TextRegions {
 public:
  TextRegions(const std::vector<uint8_t>& bytes, const RawElf& raw);

  const std::vector<std::string_view>& regions() const { return regions_; }
  bool contains(std::string_view needle) const;

 private:
  std::vector<std::string_view> regions_;
};

}  // namespace portcheck::load
