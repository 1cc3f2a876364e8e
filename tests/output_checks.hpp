// Checks of what an output may hold, shared by the escaping unit tests and the CLI tests: the
// assertions every renderer's output must pass whatever names its input holds.
#pragma once

#include <string>
#include <vector>

namespace portcheck::test {

// True when `text` is well-formed UTF-8.
bool valid_utf8(const std::string& text);
// A C0 control, DEL or a C1 control (as UTF-8); newlines only count when not allowed.
bool has_raw_control(const std::string& text, bool newlines_allowed);
std::vector<std::string> lines_of(const std::string& text);
// No line can be read by a CI runner as a command: none starts with `::` after white space, and
// the older `##[` form, which the runner finds anywhere in a line, appears nowhere.
void check_log_safe(const std::string& text);
std::string percent_decoded(const std::string& uri);
// Unreserved characters, `/` and percent-escapes only (RFC 3986).
bool uri_characters_only(const std::string& uri);
// The path a SARIF artifactLocation's `uri` names: below `root` when it is relative to the
// uriBaseId %SRCROOT%, else what follows `file://`; "" when the rest holds anything but
// unreserved characters, `/` and percent-escapes.
std::string sarif_location_path(const std::string& uri, bool relative_to_root,
                                const std::string& root);

// Text report, stderr: printable lines, valid UTF-8, log-safe.
void check_text(const std::string& text);
// Each line one workflow command of the renderer's (error, warning, notice), its properties
// intact.
void check_github(const std::string& text);
// No tag but the renderer's own, no backtick, every table row one line with its cells.
void check_markdown(const std::string& text);
// XML or HTML whose markup is the renderer's own: every `<` opens or closes an element of
// `elements` (or is the XML declaration, a comment or the doctype), every `&` starts one of the
// five predefined entities or a character reference, no control but the newline, valid UTF-8,
// and no U+FFFE or U+FFFF (not allowed in XML).
void check_markup(const std::string& text, const std::vector<std::string>& elements);

}  // namespace portcheck::test
