// What the renderers for code scanning (SARIF, GitLab code quality) share: where a reported path
// lies against the repository's root (ReportPaths), and the hash of their fingerprints.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include "portcheck/render.hpp"

namespace portcheck {

// The path made absolute against `paths.cwd`, as given, not normalised: `a/../b` is not `b`
// where `a` is a link.
std::string absolute_path(const std::string& path, const ReportPaths& paths);
// The root as a directory: with one trailing `/` ("/" stays "/").
std::string as_directory(const std::string& root);
// The absolute path below `root`, or nullopt when it is not under it.
std::optional<std::string> below(const std::string& absolute, const std::string& root);
// 16 hex digits of FNV-1a (64 bits) over the parts, each ended by a NUL: the same on every
// machine and run, which a fingerprint needs.
std::string fingerprint(std::initializer_list<std::string> parts);

}  // namespace portcheck
