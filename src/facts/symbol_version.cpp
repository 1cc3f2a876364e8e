#include "portcheck/symbol_version.hpp"

#include <cctype>

namespace portcheck {
namespace {

bool all_digits(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Splits "2.17" or "1_1_0" (OpenSSL spells its versions with underscores) into numbers.
std::optional<std::vector<int>> split_numbers(const std::string& text, const std::string& seps) {
  std::vector<int> numbers;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(seps, start);
    if (end == std::string::npos) end = text.size();
    std::string part = text.substr(start, end - start);
    // Ten digits would overflow an int; no real version component is that long.
    if (!all_digits(part) || part.size() > 9) return std::nullopt;
    numbers.push_back(std::stoi(part));
    start = end + 1;
  }
  return numbers;
}

}  // namespace

std::optional<std::vector<int>> parse_dotted(const std::string& text) {
  return split_numbers(text, ".");
}

SymbolVersion parse_symbol_version(const std::string& name) {
  SymbolVersion version{name, name, {}};
  // The family is everything before the first "_<digit>" whose tail is all numbers.
  for (size_t i = 1; i + 1 < name.size(); ++i) {
    if (name[i] != '_' || !std::isdigit(static_cast<unsigned char>(name[i + 1]))) continue;
    if (auto numbers = split_numbers(name.substr(i + 1), "._")) {
      version.family = name.substr(0, i);
      version.numbers = *numbers;
      return version;
    }
  }
  // GLIBC_PRIVATE, GLIBC_ABI_DT_RELR: glibc's, but not numbers.
  if (name.rfind("GLIBC_", 0) == 0) version.family = "GLIBC";
  return version;
}

std::string SymbolVersion::number_string() const {
  std::string text;
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (i > 0) text += '.';
    text += std::to_string(numbers[i]);
  }
  return text;
}

int compare_numbers(const std::vector<int>& a, const std::vector<int>& b) {
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    int x = i < a.size() ? a[i] : -1;
    int y = i < b.size() ? b[i] : -1;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

}  // namespace portcheck
