// libFuzzer target: any bytes as each of the JSON files portcheck reads, through the functions
// it reads them with: .portcheck.json (read_config), a --baselines table (parse_baselines, the
// merge with (part of) the bundled table and the table check) and a saved report for `portcheck
// diff` (parse_saved_report). Each must give a result or a one-line error: an exception that is not
// a std::exception, a crash, a sanitizer report or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config.hpp"
#include "fuzz_checks.hpp"
#include "portcheck/baseline.hpp"
#include "portcheck/json_file.hpp"
#include "saved_report.hpp"

namespace {

using portcheck::fuzz::check_one_line;

void read_as_config(const std::string& text) {
  try {
    portcheck::cli::ProjectConfig config = portcheck::cli::read_config("/p/.portcheck.json", text);
    for (const auto& s : config.suppressions) {
      if (s.rule.empty() || s.reason.empty()) std::abort();
    }
  } catch (const std::exception& e) {
    check_one_line(portcheck::json_error_text(e));
  }
}

// The first bundled targets: the seeds replace one of them; copying all thirty would take a
// fifth of each execution.
const portcheck::BaselineTable& base_table() {
  static const portcheck::BaselineTable base = [] {
    portcheck::BaselineTable table = *portcheck::bundled_baselines().table;
    table.targets.resize(3);
    return table;
  }();
  return base;
}

void read_as_table(const std::string& text) {
  portcheck::TableResult table = portcheck::parse_baselines(text, "fuzz.json");
  if (!table.table) {
    check_one_line(table.error);
    return;
  }
  portcheck::BaselineTable used =
      table.replace ? *table.table : portcheck::merge_baselines(base_table(), *table.table);
  for (const auto& problem : portcheck::check_baselines(used)) check_one_line(problem);
}

void read_as_report(const std::string& text) {
  try {
    portcheck::cli::parse_saved_report(text);
  } catch (const std::exception& e) {
    check_one_line(portcheck::json_error_text(e));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  read_as_config(text);
  read_as_table(text);
  read_as_report(text);
  return 0;
}
