// Saved JSON reports given to `portcheck diff`: recognised by their first byte, read within the
// bounds of json_file.hpp and checked to have the shape the diff reads, so a damaged or foreign
// file is a one-line usage error naming what is wrong.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace portcheck::cli {

struct SavedReport {
  bool is_report = false;  // a regular file starting with '{': read as a report, not analysed
  std::optional<nlohmann::json> report;
  std::string error;  // when it is one but cannot be used: one line, naming the file
};

SavedReport read_saved_report(const std::string& path);

// The report in `text`, with every field the diff reads checked; a problem throws
// std::runtime_error, one line that does not name the file.
nlohmann::json parse_saved_report(const std::string& text);

}  // namespace portcheck::cli
