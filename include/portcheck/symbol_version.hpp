// A symbol version name such as GLIBC_2.17, parsed once into a family and numbers so that
// versions are compared as numbers (GLIBC_2.9 < GLIBC_2.17), never as strings.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace portcheck {

struct SymbolVersion {
  std::string name;          // as recorded: "GLIBC_2.17", "OPENSSL_1_1_0", "GLIBC_PRIVATE"
  std::string family;        // "GLIBC", "GLIBCXX", "CXXABI", "GCC", "OPENSSL", ...
  std::vector<int> numbers;  // empty for names without a number (GLIBC_PRIVATE)

  bool numbered() const { return !numbers.empty(); }
  std::string number_string() const;  // "2.17"; "" when not numbered
};

SymbolVersion parse_symbol_version(const std::string& name);

// Parses a dotted version such as "2.17" or "1.2.3"; nullopt unless it is all numbers.
std::optional<std::vector<int>> parse_dotted(const std::string& text);

// Numeric order of the numbers alone; 2.17 < 2.17.1 < 2.18.
int compare_numbers(const std::vector<int>& a, const std::vector<int>& b);

}  // namespace portcheck
