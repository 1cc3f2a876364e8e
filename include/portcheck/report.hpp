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
#include "portcheck/release.hpp"

namespace portcheck {

// An accepted exception, stated in the project's config with its reason. Empty fields match
// anything; `file` is a glob on the reported path, `culprit` one of the finding's culprits.
struct Suppression {
  std::string rule, target, file, culprit, reason;
};

enum class FileStatus { pass, fail, error };
enum class Verdict { pass, warn, fail };

struct TargetVerdict {
  std::string target_id;
  Verdict verdict = Verdict::pass;
  std::vector<Finding> findings;  // in rule order
  // The finding every report names as the reason for the verdict: the first fail not
  // suppressed, else the first such warn; -1 for a pass.
  int reason = -1;
  bool fails_gate = false;  // a fail, or a warn under --fail-on warn: the file fails the run
};

// findings[reason], or null for a pass.
const Finding* reason_of(const TargetVerdict& target);

// A file's findings of one rule over all targets, as one CI annotation or code-quality issue
// shows them: the words and fix of the worst (the first of that severity), and the targets
// concerned in table order. Suppressed findings and notes are left out.
struct RuleOutcome {
  std::string rule;
  Severity severity = Severity::info;
  std::string message, hint;
  std::vector<std::string> targets;
};

struct FileSummary {
  std::map<std::string, std::string> oldest_per_family;  // family -> oldest target it runs on
  std::vector<std::string> passed;                       // targets with verdict pass
  size_t selected = 0;
  double score = 0;  // passed / selected
};

// One NEEDED library in a file's dependency tree (--tree).
struct DependencyNode {
  std::string soname;
  std::string status;                   // bundled, system, not-default, missing
  std::string path;                     // the release file that provides it, for bundled libraries
  std::vector<std::string> missing_on;  // targets behind the status: lacking it, or not default
  std::vector<DependencyNode> children;
};

// A file's standing on one PyPA policy: its verdict there and the finding that decides it.
struct PolicyStanding {
  std::string target_id;
  std::string family;              // manylinux, musllinux
  std::string tag;                 // the policy's tag with the architecture: manylinux_2_17_x86_64
  std::vector<std::string> names;  // the tag and its aliases (manylinux2014_x86_64)
  int priority = 0;
  Verdict verdict = Verdict::pass;
  std::vector<std::string> failures;  // each fail not suppressed, as "rule: message"
};

// The best PyPA tag of a file or a release on one architecture: of the policies it passes (pass
// or warn), the one of highest priority, as auditwheel picks it; and the next better tag with
// the failures that stand between. musl files do not record the musl release they were built
// for: auditwheel takes the build machine's musl (the newest policy elsewhere), and so does
// the report, with the older policy named as the next, blocked or not.
struct PolicyTagVerdict {
  std::string architecture;
  std::string family;                      // of the tag's policies: manylinux, musllinux
  std::string tag;                         // "manylinux_2_17_x86_64"; "linux_x86_64" for none
  std::string target_id;                   // "" for linux_
  std::optional<PolicyStanding> next;      // the next better policy, if there is one
  std::vector<std::string> next_blockers;  // its failures: "rule: message"
  std::string note;                        // why the next is not the tag, when no failure says it
  std::vector<std::string> held_back_by;   // releases: the files whose tag this is
  // Files: every policy of the architecture the file may be tagged by, best first (both
  // families for a file that links no libc or links it statically).
  std::vector<PolicyStanding> standings;
  std::vector<size_t> suppressions_used;  // files: the gate's suppressions the standings matched
};

struct FileReport {
  std::string path;
  std::string release;
  FileStatus status = FileStatus::pass;
  std::optional<Facts> facts;      // set unless status is error
  std::optional<FileError> error;  // set when status is error
  std::vector<TargetVerdict> targets;
  FileSummary summary;
  std::vector<std::string> loads;  // release libraries it loads, whose findings it includes
  std::vector<DependencyNode> tree;
  std::optional<PolicyTagVerdict> policy_tag;  // none when no policy lists its architecture
};

// A release as a whole: every target's verdict is its worst file's.
struct ReleaseTarget {
  std::string target_id;
  Verdict verdict = Verdict::pass;
  std::vector<std::string> held_back_by;  // files whose verdict is the release's (when not pass)
};

struct ReleaseReport {
  std::string path;
  size_t files = 0, errors = 0;
  std::vector<ReleaseTarget> targets;
  std::map<std::string, std::string> oldest_per_family;
  bool wheel = false;                         // a .whl: its tags are its platform tags
  std::vector<PolicyTagVerdict> policy_tags;  // one per architecture of its files
  // A wheel's platform tags held against what its files pass ("wheel-tag"), in name order.
  std::vector<Finding> wheel_tag_findings;
  bool fails_gate = false;  // a wheel-tag fail (or warn under --fail-on warn) not suppressed
};

struct RunSummary {
  size_t files = 0, passed = 0, failed = 0, errors = 0;
  size_t releases_failed = 0;  // releases failing the gate by a finding of their own (wheel-tag)
};

struct Report {
  std::string portcheck_version;
  std::string table_date;
  std::vector<std::string> selected_targets;
  std::vector<FileReport> files;
  std::vector<ReleaseReport> releases;  // for directories and archives
  RunSummary summary;
  size_t skipped = 0;                // files in directories and archives that are not ELF
  size_t excluded = 0;               // left out by --exclude
  size_t symlink_loops = 0;          // directory symlinks not followed again
  std::vector<std::string> notices;  // about the run as a whole, such as a stale table
  std::vector<Suppression> unused_suppressions;  // matched nothing: stale, to be cleaned up
};

struct Gate {
  bool fail_on_warn = false;  // --fail-on warn
  std::vector<Suppression> suppressions;
};

enum ExitCode {
  exit_ok = 0,
  exit_violations = 1,
  exit_usage = 2,
  exit_input_error = 3,
  exit_output_error = 4,  // the report could not be written, or memory ran out outside any input
};

// What a run asks of the report stage besides the files.
struct ReportRequest {
  std::vector<std::string> paths;      // as named on the command line: the releases to summarise
  std::vector<const Target*> targets;  // selected, in table order
  Gate gate;
  bool tree = false;  // each file's dependency tree too
  std::string portcheck_version;
};

// The report of a run: every file scored with the release libraries it loads, each directory
// or archive (and each wheel inside one) summarised as a release, the run's summary, notices
// and the suppressions that matched nothing.
Report build_report(const AnalysedInputs& analysed,
                    const std::map<std::string, ReleaseIndex>& releases, const BaselineTable& table,
                    const ReportRequest& request);

// Scores one analysed file against the selected targets (in table order). The findings of the
// release libraries it loads (`loads`, from bundled_closure) count toward its verdicts.
FileReport report_file(Result<Facts> analysed, const std::vector<const Target*>& targets,
                       const BaselineTable& table, const Gate& gate,
                       const std::vector<const Facts*>& loads = {});
// The verdict of each release as a whole, from its files' reports; for a wheel, its best tag
// per architecture and its file name's platform tags checked against them.
ReleaseReport report_release(const std::string& path, const std::vector<const FileReport*>& files,
                             const std::vector<const Target*>& targets, const Gate& gate = {});
// The dependency tree of a reported file, with each library's standing on the targets.
// Each bundled library's own dependencies appear under its first appearance only.
std::vector<DependencyNode> dependency_tree(const FileReport& file, const ReleaseIndex& release);
// In the order the rules first speak on the file's targets.
std::vector<RuleOutcome> outcomes_by_rule(const FileReport& file);
RunSummary summarize_run(const std::vector<FileReport>& files,
                         const std::vector<ReleaseReport>& releases = {});
std::vector<Suppression> unused_suppressions(const std::vector<Suppression>& suppressions,
                                             const std::vector<FileReport>& files,
                                             const std::vector<ReleaseReport>& releases = {});
ExitCode exit_code(const Report& report);
// A notice when the newest file audited is more than a year younger than the table: releases of
// the past year may be missing from it.
std::optional<std::string> stale_table_notice(const std::string& table_date,
                                              const std::vector<FileReport>& files);
const char* to_string(FileStatus status);
const char* to_string(Verdict verdict);

}  // namespace portcheck
