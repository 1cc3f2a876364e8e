// Where the reports go: never over an input, and a failed write is always said.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>

#include "options.hpp"

namespace portcheck::cli {

// The first output file (-o, --json, ...) that is one of the inputs (the paths, --baselines,
// the config) or lies inside an input directory, symlinks resolved, or that is a dangling
// symlink; devices such as /dev/null and /dev/stdout are not files.
std::optional<std::string> output_among_inputs(const RunPlan& plan);

// (device, inode) of the output files that already exist, to be recognised while walking.
std::set<std::pair<uint64_t, uint64_t>> existing_outputs(const RunPlan& plan);

// Writes `text` to `path` (stdout when empty); on failure the reason, from errno.
std::optional<std::string> write_report(const std::optional<std::string>& path,
                                        const std::string& text);

// write_report, and a failure said on stderr as one line, `portcheck: FILE: cannot write the
// report: REASON` (FILE `stdout` for stdout), never a silent success: exit_ok or
// exit_output_error.
int write_or_say(const std::optional<std::string>& path, const std::string& text);

}  // namespace portcheck::cli
