// The one-sweep search behind the marker scans, held against std::string_view::find.
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "text_regions.hpp"

namespace portcheck::test {
namespace {

using load::MultiSearch;
using Hits = std::map<size_t, std::vector<size_t>>;  // needle -> offsets

Hits all_hits(const MultiSearch& search, std::string_view text) {
  Hits hits;
  std::vector<char> done;
  search.scan(text, done, [&](size_t index, std::string_view, size_t at) {
    hits[index].push_back(at);
    return true;
  });
  return hits;
}

Hits naive_hits(const std::vector<std::string>& needles, std::string_view text) {
  Hits hits;
  for (size_t i = 0; i < needles.size(); ++i) {
    for (size_t at = text.find(needles[i]); at != text.npos; at = text.find(needles[i], at + 1)) {
      hits[i].push_back(at);
    }
  }
  return hits;
}

}  // namespace

TEST_CASE("every occurrence of every needle, in order, as find finds them", "[load]") {
  // Needles anchored on shared bytes, overlapping each other, and one with none of the anchors.
  std::vector<std::string> needles{"/etc/ssl/certs",
                                   "/etc/ssl/certs/ca.crt",
                                   "SSL_CERT_DIR",
                                   "OpenSSL ",
                                   "ab",
                                   "a a",
                                   "//",
                                   "S"};
  MultiSearch search(needles);
  std::mt19937 random(7);
  const std::string alphabet = "/_S abcdeilnOpst.r";
  for (int round = 0; round < 200; ++round) {
    std::string text;
    size_t length = random() % 300;
    while (text.size() < length) {
      if (random() % 8 == 0) {
        text += needles[random() % needles.size()];
      } else {
        text += alphabet[random() % alphabet.size()];
      }
    }
    INFO(text);
    CHECK(all_hits(search, text) == naive_hits(needles, text));
  }
}

TEST_CASE("needles at the very start and end of the text", "[load]") {
  MultiSearch search({"xx/yy", "/z"});
  Hits hits = all_hits(search, "/yy xx/yy/z");
  CHECK(hits == Hits{{0, {4}}, {1, {9}}});
  CHECK(all_hits(search, "x/yy").empty());  // the anchor is there, the start of the needle not
}

TEST_CASE("a needle no longer wanted is not reported again, across texts", "[load]") {
  MultiSearch search({"a/b", "c/d"});
  std::vector<char> done;
  std::vector<std::pair<size_t, size_t>> seen;
  auto found = [&](size_t index, std::string_view, size_t at) {
    seen.emplace_back(index, at);
    return index == 1;  // needle 0 once, needle 1 every time
  };
  search.scan("a/b c/d a/b c/d", done, found);
  search.scan("a/b c/d", done, found);
  CHECK(seen == std::vector<std::pair<size_t, size_t>>{{0, 0}, {1, 4}, {1, 12}, {1, 4}});
}

}  // namespace portcheck::test
