// Small string and list helpers that every stage uses, written once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace portcheck {

inline bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

inline bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// What follows the last `/` of a path; the whole path when it has none.
inline std::string file_name(std::string_view path) {
  return std::string(path.substr(path.find_last_of('/') + 1));
}

template <typename T, typename Item>
bool contains(const std::vector<T>& list, const Item& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// "2026-11-25" for a time in seconds since the epoch, in UTC.
std::string iso_date(int64_t seconds);

// {2, 17} as "2.17".
std::string dotted(const std::vector<int>& numbers);

// The first `shown` items joined by ", ", then " and N more" for the rest, as given: a
// renderer escapes the items first.
std::string short_list(const std::vector<std::string>& items, size_t shown = 3);

}  // namespace portcheck
