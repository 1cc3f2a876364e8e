// The report stage: verdicts per file and target, summaries, and the exit code. Its output is
// what every renderer walks.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "portcheck/baseline.hpp"
#include "portcheck/facts.hpp"
#include "portcheck/file_error.hpp"
#include "portcheck/finding.hpp"

namespace portcheck {

enum class FileStatus { pass, fail, error };
enum class Verdict { pass, warn, fail };

struct TargetVerdict {
  std::string target_id;
  Verdict verdict = Verdict::pass;
  std::vector<Finding> findings;  // in rule order
};

struct FileSummary {
  std::map<std::string, std::string> oldest_per_family;  // family -> oldest target it runs on
  std::vector<std::string> passed;                       // targets with verdict pass
  size_t selected = 0;
  double score = 0;  // passed / selected
};

struct FileReport {
  std::string path;
  FileStatus status = FileStatus::pass;
  std::optional<Facts> facts;      // set unless status is error
  std::optional<FileError> error;  // set when status is error
  std::vector<TargetVerdict> targets;
  FileSummary summary;
};

struct RunSummary {
  size_t files = 0, passed = 0, failed = 0, errors = 0;
};

struct Report {
  std::string portcheck_version;
  std::string table_date;
  std::vector<std::string> selected_targets;
  std::vector<FileReport> files;
  RunSummary summary;
};

struct Gate {
  bool fail_on_warn = false;  // --fail-on warn
};

enum ExitCode { exit_ok = 0, exit_violations = 1, exit_usage = 2, exit_input_error = 3 };

// Scores one analysed file against the selected targets (in table order).
FileReport report_file(Result<Facts> analysed, const std::vector<const Target*>& targets,
                       const BaselineTable& table, const Gate& gate);
RunSummary summarize_run(const std::vector<FileReport>& files);
ExitCode exit_code(const Report& report);
const char* to_string(FileStatus status);
const char* to_string(Verdict verdict);

}  // namespace portcheck
