// The parts of a file where strings live: everything but executable sections. Marker scans
// (toolchain, static libc, TLS) search only these, which skips most of a large binary's bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "portcheck/file_bytes.hpp"
#include "raw_elf.hpp"

namespace portcheck::load {

// Needles are written with a '|' that is dropped at run time, so that portcheck's own binary
// never holds the strings it searches for: audited, it would otherwise find them in itself.
std::string needle(std::string_view written);

// Finds a fixed set of strings together. Each needle is anchored on one of its bytes, preferably
// one of a few shared ones ('/', '_', 'S', ' '), and the text is swept once per distinct anchor
// byte with memchr: a handful of sweeps for dozens of needles, instead of one sweep each.
class MultiSearch {
 public:
  explicit MultiSearch(std::vector<std::string> needles);

  size_t size() const { return needles_.size(); }
  const std::string& needle(size_t index) const { return needles_[index]; }

  // Called for an occurrence of needle `index` at `at` in `text`; returns whether further
  // occurrences of that needle are still wanted.
  using Found = std::function<bool(size_t index, std::string_view text, size_t at)>;
  // Occurrences of one needle come in increasing offset; `done` (one flag per needle) marks the
  // needles no longer wanted, across calls.
  void scan(std::string_view text, std::vector<char>& done, const Found& found) const;

 private:
  struct Anchored {
    size_t index;
    size_t offset;  // of the anchor byte in the needle
  };
  struct Group {
    char anchor;
    std::vector<Anchored> needles;
  };
  void sweep(std::string_view text, const Group& group, std::vector<char>& done,
             const Found& found) const;

  std::vector<std::string> needles_;
  std::vector<Group> groups_;
};

class TextRegions {
 public:
  TextRegions(const FileBytes& bytes, const RawElf& raw);

  const std::vector<std::string_view>& regions() const { return regions_; }
  // Every region, in file order, through one MultiSearch.
  void scan(const MultiSearch& search, const MultiSearch::Found& found) const;
  // Whether each needle occurs anywhere.
  std::vector<bool> contains_each(const MultiSearch& search) const;

 private:
  std::vector<std::string_view> regions_;
};

}  // namespace portcheck::load
