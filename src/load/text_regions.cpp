#include "text_regions.hpp"

#include <algorithm>
#include <utility>

namespace portcheck::load {
namespace {

constexpr uint64_t SHF_EXECINSTR = 0x4;
constexpr uint32_t SHT_NOBITS = 8;

}  // namespace

// Without section headers (or with none executable) the whole file is searched: a string must
// never be missed because the layout was unusual.
TextRegions::TextRegions(const std::vector<uint8_t>& bytes, const RawElf& raw) {
  std::vector<std::pair<uint64_t, uint64_t>> code;
  for (const auto& section : raw.sections) {
    if ((section.flags & SHF_EXECINSTR) && section.type != SHT_NOBITS) {
      code.emplace_back(section.offset, section.offset + section.size);
    }
  }
  std::sort(code.begin(), code.end());
  const char* data = reinterpret_cast<const char*>(bytes.data());
  uint64_t at = 0;
  for (const auto& [start, end] : code) {
    if (start > at) regions_.emplace_back(data + at, start - at);
    at = std::max(at, end);
  }
  if (at < bytes.size()) regions_.emplace_back(data + at, bytes.size() - at);
}

std::string needle(std::string_view written) {
  std::string text;
  for (char c : written) {
    if (c != '|') text.push_back(c);
  }
  return text;
}

bool TextRegions::contains(std::string_view needle) const {
  return std::any_of(regions_.begin(), regions_.end(),
                     [&](std::string_view region) { return region.find(needle) != region.npos; });
}

}  // namespace portcheck::load
