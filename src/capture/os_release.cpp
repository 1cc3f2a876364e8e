#include "os_release.hpp"

#include <cctype>
#include <sstream>
#include <utility>

namespace portcheck::capture {
namespace {

std::string value_of(const std::map<std::string, std::string>& os, const std::string& key) {
  auto found = os.find(key);
  return found == os.end() ? "" : found->second;
}

std::string unquoted(const std::string& raw) {
  if (raw.size() < 2 || (raw[0] != '"' && raw[0] != '\'') || raw.back() != raw[0]) return raw;
  std::string inner = raw.substr(1, raw.size() - 2);
  if (raw[0] == '\'') return inner;
  std::string value;
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
    value += inner[i];
  }
  return value;
}

// os-release IDs the table groups under another family name.
std::string family_for(const std::string& word) {
  static const std::pair<const char*, const char*> kAliases[] = {
      {"centos", "rhel"},
      {"rocky", "rhel"},
      {"almalinux", "rhel"},
      {"ol", "rhel"},
      {"amzn", "amazonlinux"},
      {"sled", "sles"},
      {"opensuse-leap", "opensuse"},
      {"opensuse-tumbleweed", "opensuse"},
      {"archlinux", "arch"},
  };
  static const char* const kFamilies[] = {"rhel", "fedora",   "ubuntu", "debian", "amazonlinux",
                                          "sles", "opensuse", "alpine", "arch"};
  for (const auto& [alias, family] : kAliases) {
    if (word == alias) return family;
  }
  for (const char* family : kFamilies) {
    if (word == family) return family;
  }
  return "";
}

}  // namespace

std::map<std::string, std::string> parse_os_release(const std::string& text) {
  std::map<std::string, std::string> os;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t equals = line.find('=');
    if (line.empty() || line[0] == '#' || equals == std::string::npos) continue;
    std::string value = line.substr(equals + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
      value.pop_back();
    os[line.substr(0, equals)] = unquoted(value);
  }
  return os;
}

std::string target_id(const std::map<std::string, std::string>& os) {
  std::string version = value_of(os, "VERSION_ID");
  std::string raw = value_of(os, "ID") + (version.empty() ? "" : "-" + version);
  std::string id;
  for (char c : raw) {
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool allowed = std::isalnum(static_cast<unsigned char>(lower)) || lower == '.' ||
                   lower == '_' || lower == '-';
    id += allowed ? lower : '-';
  }
  return id;
}

std::string target_name(const std::map<std::string, std::string>& os) {
  std::string pretty = value_of(os, "PRETTY_NAME");
  if (!pretty.empty()) return pretty;
  std::string version = value_of(os, "VERSION");
  return value_of(os, "NAME") + (version.empty() ? "" : " " + version);
}

std::string target_family(const std::map<std::string, std::string>& os) {
  std::string id = value_of(os, "ID");
  if (std::string family = family_for(id); !family.empty()) return family;
  std::istringstream like(value_of(os, "ID_LIKE"));
  for (std::string word; like >> word;) {
    if (std::string family = family_for(word); !family.empty()) return family;
  }
  return id;
}

}  // namespace portcheck::capture
