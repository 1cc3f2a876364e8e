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
TextRegions::TextRegions(const FileBytes& bytes, const RawElf& raw) {
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

namespace {

// Bytes shared by many needles and rare in binary data; a needle without any is anchored on
// its first byte.
constexpr std::string_view kAnchors = "/_S ";

size_t anchor_offset(std::string_view needle) {
  for (char anchor : kAnchors) {
    size_t at = needle.find(anchor);
    if (at != needle.npos) return at;
  }
  return 0;
}

}  // namespace

MultiSearch::MultiSearch(std::vector<std::string> needles) : needles_(std::move(needles)) {
  for (size_t i = 0; i < needles_.size(); ++i) {
    if (needles_[i].empty()) continue;
    size_t offset = anchor_offset(needles_[i]);
    char anchor = needles_[i][offset];
    auto group = std::find_if(groups_.begin(), groups_.end(),
                              [&](const Group& g) { return g.anchor == anchor; });
    if (group == groups_.end()) group = groups_.insert(groups_.end(), Group{anchor, {}});
    group->needles.push_back({i, offset});
  }
}

void MultiSearch::scan(std::string_view text, std::vector<char>& done, const Found& found) const {
  done.resize(needles_.size(), 0);
  for (const auto& group : groups_) sweep(text, group, done, found);
}

void MultiSearch::sweep(std::string_view text, const Group& group, std::vector<char>& done,
                        const Found& found) const {
  auto wanted = [&] {
    return std::any_of(group.needles.begin(), group.needles.end(),
                       [&](const Anchored& a) { return !done[a.index]; });
  };
  for (size_t at = text.find(group.anchor); at != text.npos && wanted();
       at = text.find(group.anchor, at + 1)) {
    for (const Anchored& anchored : group.needles) {
      const std::string& candidate = needles_[anchored.index];
      if (done[anchored.index] || at < anchored.offset) continue;
      size_t start = at - anchored.offset;
      if (text.compare(start, candidate.size(), candidate) != 0) continue;
      if (!found(anchored.index, text, start)) done[anchored.index] = 1;
    }
  }
}

void TextRegions::scan(const MultiSearch& search, const MultiSearch::Found& found) const {
  std::vector<char> done;
  for (std::string_view region : regions_) search.scan(region, done, found);
}

std::vector<bool> TextRegions::contains_each(const MultiSearch& search) const {
  std::vector<bool> seen(search.size(), false);
  scan(search, [&](size_t index, std::string_view, size_t) {
    seen[index] = true;
    return false;
  });
  return seen;
}

}  // namespace portcheck::load
