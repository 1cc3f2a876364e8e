#include "code_scanning.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "portcheck/strings.hpp"

namespace portcheck {

std::string absolute_path(const std::string& path, const ReportPaths& paths) {
  return path.empty() || path[0] != '/' ? paths.cwd + "/" + path : path;
}

std::string as_directory(const std::string& root) {
  return ends_with(root, "/") ? root : root + "/";
}

std::optional<std::string> below(const std::string& absolute, const std::string& root) {
  std::string prefix = as_directory(root);
  if (absolute.size() <= prefix.size() || !starts_with(absolute, prefix)) return std::nullopt;
  return absolute.substr(prefix.size());
}

std::string fingerprint(std::initializer_list<std::string> parts) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const auto& part : parts) {
    for (unsigned char c : part + '\0') {
      hash = (hash ^ c) * 0x100000001b3ull;
    }
  }
  return fmt::format("{:016x}", hash);
}

}  // namespace portcheck
