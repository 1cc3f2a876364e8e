// The escaping of every output kind (include/portcheck/escape.hpp). The text form is the base of
// the others meant for people (Markdown, GitHub commands): whatever an input holds is first made
// visible there, then the format's own special characters are escaped.
#include "portcheck/escape.hpp"

#include <cstdint>

namespace portcheck {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kUpperHex[] = "0123456789ABCDEF";

// The length of the valid UTF-8 sequence at `at` (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF) and its code point; 0 when the byte there starts none.
size_t utf8_sequence(std::string_view text, size_t at, char32_t& code_point) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  uint8_t lead = byte(at);
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  size_t length = lead >= 0xc2 && lead <= 0xdf   ? 2
                  : lead >= 0xe0 && lead <= 0xef ? 3
                  : lead >= 0xf0 && lead <= 0xf4 ? 4
                                                 : 0;
  if (length == 0 || at + length > text.size()) return 0;
  code_point = lead & (0xff >> (length + 1));
  for (size_t i = at + 1; i < at + length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3f);
  }
  bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
  bool surrogate = code_point >= 0xd800 && code_point <= 0xdfff;
  if (overlong || surrogate || code_point > 0x10ffff) return 0;
  return length;
}

// Valid characters that still move the cursor, break a line or reorder what a reader sees: the
// C1 controls (U+009B is CSI on some terminals), the line and paragraph separators, and the
// bidirectional controls that can make a name read as another (CVE-2021-42574).
bool hidden_control(char32_t c) {
  return (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0x061c || c == 0x200e ||
         c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

// White space the GitHub runner trims before it looks for `::` at the start of a line (.NET's
// char.IsWhiteSpace, less what escape_text already shows as escapes).
bool trimmed_space(char32_t c) {
  return c == ' ' || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x202f ||
         c == 0x205f || c == 0x3000;
}

void append_byte_escape(std::string& out, uint8_t byte) {
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0xf];
}

void append_code_point_escape(std::string& out, char32_t c) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xf];
}

// Where a leading `::` starts, after the white space the runner trims; npos when there is none.
size_t leading_command(std::string_view text) {
  size_t at = 0;
  char32_t c = 0;
  while (at < text.size()) {
    size_t length = utf8_sequence(text, at, c);
    if (length == 0 || !trimmed_space(c)) break;
    at += length;
  }
  return text.substr(at, 2) == "::" ? at : std::string_view::npos;
}

void append_ascii_escape(std::string& out, char c) {
  switch (c) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\\': out += "\\\\"; return;
    default: append_byte_escape(out, static_cast<uint8_t>(c));
  }
}

bool ascii_needs_escape(std::string_view text, size_t at, size_t command_at) {
  char c = text[at];
  bool control = static_cast<uint8_t>(c) < 0x20 || c == 0x7f;
  // `##[` is the runner's older command prefix, which it finds anywhere in a line.
  bool old_command = c == '[' && at > 0 && text[at - 1] == '#';
  return control || c == '\\' || old_command || at == command_at;
}

// HTML's five, then Markdown's: escapes, code spans, cells, links and images (`[`), emphasis and
// strike-through, math (`$`), and `:`, without which no `https:` link or `:emoji:` can start.
bool markdown_special(char c) {
  static constexpr std::string_view kSpecial = "<>&\"'\\`|[]*~$:";
  return kSpecial.find(c) != std::string_view::npos;
}

bool uri_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// `%`, CR and LF as the runner unescapes them in data; properties add `:` and `,`.
std::string percent_command_escape(std::string_view text, bool property) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else if (property && c == ':')
      out += "%3A";
    else if (property && c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

bool plain_json(std::string_view text) {
  char32_t c = 0;
  for (size_t at = 0; at < text.size();) {
    size_t length = utf8_sequence(text, at, c);
    if (length == 0 || c == '\\') return false;
    at += length;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Walks `text` by UTF-8 sequence: a byte that starts no valid sequence becomes \xNN, each
// valid one goes to `sequence(out, at, length, code_point)`.
template <typename Sequence>
std::string escape_by_sequence(std::string_view text, Sequence sequence) {
  std::string out;
  out.reserve(text.size());
  char32_t c = 0;
  for (size_t at = 0; at < text.size();) {
    size_t length = utf8_sequence(text, at, c);
    if (length == 0) {
      append_byte_escape(out, static_cast<uint8_t>(text[at]));
      length = 1;
    } else {
      sequence(out, at, length, c);
    }
    at += length;
  }
  return out;
}

}  // namespace

std::string escape_text(std::string_view text) {
  size_t command_at = leading_command(text);
  return escape_by_sequence(text, [&](std::string& out, size_t at, size_t length, char32_t c) {
    if (length == 1 && ascii_needs_escape(text, at, command_at)) {
      append_ascii_escape(out, text[at]);
    } else if (hidden_control(c)) {
      append_code_point_escape(out, c);
    } else {
      out.append(text, at, length);
    }
  });
}

std::string escape_markdown(std::string_view text) {
  std::string out;
  for (char c : escape_text(text)) {
    if (markdown_special(c))
      out += "&#" + std::to_string(static_cast<int>(c)) + ";";
    else
      out += c;
  }
  return out;
}

std::string escape_xml(std::string_view text) {
  std::string visible = escape_text(text), out;
  out.reserve(visible.size());
  for (size_t at = 0; at < visible.size(); ++at) {
    char c = visible[at];
    // Valid UTF-8 by now: EF BF BE and EF BF BF are U+FFFE and U+FFFF.
    if (c == '\xef' && visible.compare(at, 2, "\xef\xbf") == 0 && at + 2 < visible.size() &&
        (visible[at + 2] == '\xbe' || visible[at + 2] == '\xbf')) {
      append_code_point_escape(out, visible[at + 2] == '\xbe' ? 0xfffe : 0xffff);
      at += 2;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_github_data(std::string_view text) {
  return percent_command_escape(escape_text(text), false);
}

std::string escape_github_property(std::string_view text) {
  return percent_command_escape(escape_text(text), true);
}

std::string escape_uri(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t at = 0; at < path.size(); ++at) {
    char c = path[at];
    bool authority = at == 1 && path[0] == '/' && c == '/';
    if ((uri_unreserved(c) || c == '/') && !authority) {
      out += c;
      continue;
    }
    out += '%';
    out += kUpperHex[static_cast<uint8_t>(c) >> 4];
    out += kUpperHex[static_cast<uint8_t>(c) & 0xf];
  }
  return out;
}

std::string escape_json(std::string_view text) {
  if (plain_json(text)) return std::string(text);
  return escape_by_sequence(text, [&](std::string& out, size_t at, size_t length, char32_t c) {
    if (c == '\\')
      out += "\\\\";
    else
      out.append(text, at, length);
  });
}

std::string unescape_json(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t at = 0; at < text.size(); ++at) {
    if (text[at] != '\\' || at + 1 == text.size()) {
      out += text[at];
    } else if (text[at + 1] == '\\') {
      out += '\\';
      ++at;
    } else if (text[at + 1] == 'x' && at + 3 < text.size() && hex_value(text[at + 2]) >= 0 &&
               hex_value(text[at + 3]) >= 0) {
      out += static_cast<char>(hex_value(text[at + 2]) * 16 + hex_value(text[at + 3]));
      at += 3;
    } else {
      out += text[at];
    }
  }
  return out;
}

std::string json_for_log(std::string_view dumped) {
  std::string out;
  out.reserve(dumped.size());
  char32_t c = 0;
  // ASCII other than DEL and `[` stays as it is: copied a run at a time, not decoded.
  auto plain = [](char byte) {
    auto value = static_cast<unsigned char>(byte);
    return value < 0x7f && byte != '[';
  };
  for (size_t at = 0; at < dumped.size();) {
    size_t run = at;
    while (run < dumped.size() && plain(dumped[run])) ++run;
    out.append(dumped, at, run - at);
    at = run;
    if (at == dumped.size()) break;
    size_t length = utf8_sequence(dumped, at, c);
    if (length == 0) {  // not from a JSON library; left as is for its reader to reject
      length = 1;
      c = 0;
    }
    // Outside strings a JSON document is ASCII without `#`: what is rewritten is in a string.
    bool old_command = c == '[' && at >= 2 && dumped.substr(at - 2, 2) == "##";
    // JSON escapes the C0 controls but not DEL, which is one too.
    if ((length > 1 && hidden_control(c)) || c == 0x7f)
      append_code_point_escape(out, c);
    else if (old_command)
      out += "\\u005b";
    else
      out.append(dumped, at, length);
    at += length;
  }
  return out;
}

}  // namespace portcheck
