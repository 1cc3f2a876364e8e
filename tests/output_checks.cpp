#include "output_checks.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

namespace portcheck::test {

// Checked apart from the code under test: nlohmann's dump refuses what is not UTF-8.
bool valid_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

bool has_raw_control(const std::string& text, bool newlines_allowed) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n' && newlines_allowed) continue;
    if (byte < 0x20 || byte == 0x7f) return true;
    // C1 controls as UTF-8: C2 80 .. C2 9F
    if (byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f)
      return true;
  }
  return false;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

namespace {

// What the GitHub runner trims before it looks for `::` (the white space escape_text keeps).
std::string runner_trimmed(const std::string& line) {
  static const std::vector<std::string> spaces = {" ", "\xc2\xa0", "\xe3\x80\x80", "\xe2\x80\xaf"};
  size_t at = 0;
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    for (const auto& space : spaces) {
      if (line.compare(at, space.size(), space) == 0) {
        at += space.size();
        trimmed = true;
      }
    }
  }
  return line.substr(at);
}

}  // namespace

void check_log_safe(const std::string& text) {
  CHECK(text.find("##[") == std::string::npos);
  for (const auto& line : lines_of(text)) CHECK(runner_trimmed(line).rfind("::", 0) != 0);
}

std::string percent_decoded(const std::string& uri) {
  std::string out;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size()) {
      out += static_cast<char>(std::stoi(uri.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += uri[i];
    }
  }
  return out;
}

std::string sarif_location_path(const std::string& uri, bool relative_to_root,
                                const std::string& root) {
  std::string rest = uri;
  if (!relative_to_root) {
    if (rest.rfind("file://", 0) != 0) return "";
    rest = rest.substr(7);
  }
  if (!uri_characters_only(rest)) return "";
  return relative_to_root ? root + "/" + percent_decoded(rest) : percent_decoded(rest);
}

bool uri_characters_only(const std::string& uri) {
  for (size_t i = 0; i < uri.size(); ++i) {
    char c = uri[i];
    bool plain = std::isalnum(static_cast<unsigned char>(c)) ||
                 std::string("-._~/").find(c) != std::string::npos;
    bool percent = c == '%' && i + 2 < uri.size() &&
                   std::isxdigit(static_cast<unsigned char>(uri[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(uri[i + 2]));
    if (!plain && !percent) return false;
  }
  return true;
}

void check_text(const std::string& text) {
  CHECK_FALSE(has_raw_control(text, true));
  CHECK(valid_utf8(text));
  check_log_safe(text);
}

void check_github(const std::string& text) {
  // Lines start with `::`, the renderer's own commands; nothing else may.
  CHECK_FALSE(has_raw_control(text, true));
  CHECK(valid_utf8(text));
  CHECK(text.find("##[") == std::string::npos);
  for (const auto& line : lines_of(text)) {
    size_t space = line.find(' '), separator = line.find("::", 2);
    REQUIRE(separator != std::string::npos);
    std::string command = line.substr(2, std::min(space, separator) - 2);
    CHECK((command == "error" || command == "warning" || command == "notice"));
    if (space > separator) continue;
    std::string properties = line.substr(space + 1, separator - space - 1);
    std::vector<std::string> keys;
    std::istringstream in(properties);
    for (std::string property; std::getline(in, property, ',');)
      keys.push_back(property.substr(0, property.find('=')));
    CHECK((keys == std::vector<std::string>{"file", "title"} ||
           keys == std::vector<std::string>{"title"}));
  }
}

void check_markdown(const std::string& text) {
  CHECK_FALSE(has_raw_control(text, true));
  CHECK(text.find('`') == std::string::npos);
  std::string stripped = text;
  for (const char* tag :
       {"<details>", "</details>", "<summary>", "</summary>", "<code>", "</code>"}) {
    for (size_t at; (at = stripped.find(tag)) != std::string::npos;)
      stripped.erase(at, std::string(tag).size());
  }
  CHECK(stripped.find('<') == std::string::npos);
  CHECK(stripped.find('>') == std::string::npos);
  for (const auto& line : lines_of(text)) {
    if (line.empty() || line[0] != '|') continue;
    size_t cells = std::count(line.begin(), line.end(), '|');
    CHECK((cells == 4 || cells == 5));  // the targets table and the files table
    CHECK(line.back() == '|');
  }
}

namespace {

std::string element_at(const std::string& text, size_t at) {
  size_t start = at + 1 + (text.compare(at + 1, 1, "/") == 0);
  size_t end = start;
  while (end < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-'))
    ++end;
  return text.substr(start, end - start);
}

bool entity_at(const std::string& text, size_t at) {
  for (const char* entity : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"}) {
    if (text.compare(at, std::string(entity).size(), entity) == 0) return true;
  }
  return false;
}

}  // namespace

void check_markup(const std::string& text, const std::vector<std::string>& elements) {
  CHECK_FALSE(has_raw_control(text, true));
  CHECK(valid_utf8(text));
  CHECK(text.find("\xef\xbf\xbe") == std::string::npos);
  CHECK(text.find("\xef\xbf\xbf") == std::string::npos);
  for (size_t at = text.find('<'); at != std::string::npos; at = text.find('<', at + 1)) {
    if (text.compare(at, 2, "<?") == 0 || text.compare(at, 2, "<!") == 0) continue;
    std::string element = element_at(text, at);
    INFO("element <" << element << "> at " << at);
    CHECK(std::find(elements.begin(), elements.end(), element) != elements.end());
    // Inside a tag, attribute values are quoted and hold no `<`.
    size_t close = text.find('>', at), next = text.find('<', at + 1);
    CHECK(close != std::string::npos);
    CHECK(close < next);
  }
  for (size_t at = text.find('&'); at != std::string::npos; at = text.find('&', at + 1)) {
    CHECK(entity_at(text, at));
  }
}

}  // namespace portcheck::test
