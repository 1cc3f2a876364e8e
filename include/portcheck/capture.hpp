// The capture stage (`portcheck baseline capture`): a root file system, the running system's, one
// unpacked in a directory or a container image's, -> one target of the baseline table, each fact
// read from the root's own files and sourced to them. It only reads: it never runs a program of the
// root and never writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "portcheck/baseline.hpp"
#include "portcheck/file_error.hpp"

namespace portcheck {

struct CaptureOptions {
  std::string root = "/";
  // A container image (docker save, an OCI layout) to capture instead of `root`: the file system
  // of its layers applied in order; of a multi-platform image, the `platform` given.
  std::string image;
  std::string platform;
  size_t memory_budget = size_t{4} << 30;
  std::optional<std::string> id, name, family;  // instead of what os-release says
  std::string date;                             // ISO date of the capture, quoted in every source
};

struct Capture {
  Target target;
  // What could not be read or had to be assumed, one line each, for the user (stderr).
  std::vector<std::string> notes;
};

// `known` is the table in use: its CA locations and interpreter paths are looked for in the root.
Result<Capture> capture_baseline(const CaptureOptions& options, const BaselineTable& known);

// The captured target as one element of a table's `targets` (docs/baselines.schema.json), so
// that it can be wrapped in a table and given to --baselines. Lives in src/render/.
std::string render_capture_json(const Capture& capture);

}  // namespace portcheck
