// Who a root file system says it is: os-release(5), turned into a target's id, name and family.
#pragma once

#include <map>
#include <string>

namespace portcheck::capture {

// KEY=value lines; values may be quoted, and double quotes allow backslash escapes.
std::map<std::string, std::string> parse_os_release(const std::string& text);

// "<ID>-<VERSION_ID>" in the characters a target id may use ("debian-12", "alpine-3.20.3").
std::string target_id(const std::map<std::string, std::string>& os);
// PRETTY_NAME, or NAME and VERSION.
std::string target_name(const std::map<std::string, std::string>& os);
// The table's family for ID, or failing that for a word of ID_LIKE ("rocky" -> "rhel",
// "linuxmint" -> "ubuntu"); ID itself when none is known.
std::string target_family(const std::map<std::string, std::string>& os);

}  // namespace portcheck::capture
