// How each output carries strings it did not write itself: names read from ELF files, file and
// archive member names, strings of the target table. Each output kind has one function here and
// every place that writes that kind uses it, so a string from an input is data, never markup, a
// control sequence or a CI command. docs/robustness.md ("What each output escapes") has the table.
#pragma once

#include <string>
#include <string_view>

namespace portcheck {

// Text for a terminal, a log or stderr, always one line of printable characters: `\` as `\\`;
// `\n`, `\r`, `\t`; other C0 controls and DEL as `\xNN`; C1 controls, U+2028, U+2029 and the
// bidirectional controls as `\uNNNN`; each byte that is not part of valid UTF-8 as `\xNN`.
// Two CI log commands are broken as well: a leading `::` (after white space) becomes `\x3a:`,
// and the `[` of `##[` becomes `\x5b`.
std::string escape_text(std::string_view text);

// Markdown with inline HTML (GitHub's): the text form, then `<`, `>`, `&`, `"`, `'`, `\`,
// `` ` ``, `|`, `[`, `]`, `*`, `~`, `$` and `:` as numeric character references (`&#60;`), so
// nothing opens a tag, a link, an image or a code span, or ends a table cell. Put the result in
// text or inside `<code>`, never inside a backtick code span (which shows references as typed).
std::string escape_markdown(std::string_view text);

// XML and HTML character data and attribute values: the text form, then `&`, `<`, `>`, `"`
// and `'` as entities, and the noncharacters U+FFFE and U+FFFF (which XML does not allow) as
// `\ufffe` and `\uffff`. The result is well-formed in XML 1.0 text and in quoted attributes.
std::string escape_xml(std::string_view text);

// GitHub workflow-command data and property values, as the runner reads them (actions/toolkit,
// command.ts): the text form, then `%`, CR and LF as `%25`, `%0D`, `%0A`; a property also `:`
// and `,` as `%3A` and `%2C`.
std::string escape_github_data(std::string_view text);
std::string escape_github_property(std::string_view text);

// A path as a URI reference (RFC 3986): every byte other than the unreserved characters
// (letters, digits, `-`, `.`, `_`, `~`) and `/` percent-encoded; a leading `//` (which would
// start an authority) as `/%2F`.
std::string escape_uri(std::string_view path);

// A JSON string value from bytes that need not be UTF-8: `\` as `\\` and each byte that is not
// part of valid UTF-8 as the four characters `\xNN`; nothing else changes, so the value is
// valid UTF-8 and unescape_json gives the bytes back.
std::string escape_json(std::string_view text);
std::string unescape_json(std::string_view text);

// A dumped JSON document made safe to print on a terminal or in a CI log without changing its
// value: DEL, C1 controls, U+2028, U+2029, the bidirectional controls and the `[` of `##[`
// written as `\u` escapes.
std::string json_for_log(std::string_view dumped);

}  // namespace portcheck
