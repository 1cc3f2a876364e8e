#include "portcheck/report.hpp"

#include <fnmatch.h>

#include <algorithm>

#include "judge.hpp"
#include "portcheck/rules.hpp"

namespace portcheck {
namespace {

// The finding that decides the verdict: the first fail, else the first warn; -1 for none.
int reason_index(const std::vector<Finding>& findings) {
  int first_warn = -1;
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& finding = findings[i];
    if (finding.suppression >= 0) continue;
    if (finding.severity == Severity::fail) return static_cast<int>(i);
    if (finding.severity == Severity::warn && first_warn < 0) first_warn = static_cast<int>(i);
  }
  return first_warn;
}

TargetVerdict judge(const std::string& target_id, std::vector<Finding> findings, const Gate& gate) {
  TargetVerdict verdict{target_id, Verdict::pass, std::move(findings)};
  verdict.reason = reason_index(verdict.findings);
  if (verdict.reason >= 0) {
    bool fails = verdict.findings[static_cast<size_t>(verdict.reason)].severity == Severity::fail;
    verdict.verdict = fails ? Verdict::fail : Verdict::warn;
  }
  verdict.fails_gate =
      verdict.verdict == Verdict::fail || (verdict.verdict == Verdict::warn && gate.fail_on_warn);
  return verdict;
}

FileSummary summarize(const std::vector<TargetVerdict>& verdicts,
                      const std::vector<const Target*>& targets) {
  FileSummary summary;
  summary.selected = targets.size();
  std::map<std::string, const Target*> oldest;
  for (size_t i = 0; i < targets.size(); ++i) {
    const Target& target = *targets[i];
    if (verdicts[i].verdict == Verdict::pass) summary.passed.push_back(target.id);
    if (verdicts[i].verdict == Verdict::fail) continue;
    auto& current = oldest[target.family];
    if (!current || target.released < current->released) current = &target;
  }
  for (const auto& [family, target] : oldest) summary.oldest_per_family[family] = target->id;
  if (summary.selected > 0) {
    summary.score =
        static_cast<double>(summary.passed.size()) / static_cast<double>(summary.selected);
  }
  return summary;
}

FileStatus status_of(const std::vector<TargetVerdict>& verdicts) {
  for (const auto& target : verdicts) {
    if (target.fails_gate) return FileStatus::fail;
  }
  return FileStatus::pass;
}

bool matches(const Suppression& s, const Finding& finding, const std::string& target,
             const std::string& path) {
  if (!s.rule.empty() && s.rule != finding.rule) return false;
  if (!s.target.empty() && s.target != target) return false;
  if (!s.file.empty() && fnmatch(s.file.c_str(), path.c_str(), 0) != 0) return false;
  const auto& culprits = finding.culprits;
  return s.culprit.empty() ||
         std::find(culprits.begin(), culprits.end(), s.culprit) != culprits.end();
}

void apply_suppressions(std::vector<Finding>& findings, const std::string& target,
                        const std::string& path, const std::vector<Suppression>& suppressions) {
  for (auto& finding : findings) {
    for (size_t i = 0; i < suppressions.size(); ++i) {
      if (!matches(suppressions[i], finding, target, path)) continue;
      finding.suppression = static_cast<int>(i);
      finding.suppression_reason = suppressions[i].reason;
      break;
    }
  }
}

// A loaded library's findings, said of the file that loads it.
std::vector<Finding> findings_via(const Facts& library, const Target& target,
                                  const BaselineTable& table) {
  std::vector<Finding> findings = evaluate(library, target, table);
  for (auto& finding : findings) finding.message = "via " + library.path + ": " + finding.message;
  return findings;
}

}  // namespace

TargetVerdict verdict_on(const Facts& facts, const Target& target, const BaselineTable& table,
                         const Gate& gate, const std::vector<const Facts*>& loads) {
  std::vector<Finding> findings = evaluate(facts, target, table);
  for (const Facts* library : loads) {
    for (auto& finding : findings_via(*library, target, table)) findings.push_back(finding);
  }
  apply_suppressions(findings, target.id, facts.path, gate.suppressions);
  return judge(target.id, std::move(findings), gate);
}

void suppress(std::vector<Finding>& findings, const std::string& path, const Gate& gate) {
  apply_suppressions(findings, "", path, gate.suppressions);
}

FileReport report_file(Result<Facts> analysed, const std::vector<const Target*>& targets,
                       const BaselineTable& table, const Gate& gate,
                       const std::vector<const Facts*>& loads) {
  FileReport file;
  if (auto* error = std::get_if<FileError>(&analysed)) {
    file.path = error->path;
    file.status = FileStatus::error;
    file.error = std::move(*error);
    return file;
  }
  file.facts = std::move(std::get<Facts>(analysed));
  file.path = file.facts->path;
  file.release = file.facts->release;
  for (const Facts* library : loads) file.loads.push_back(library->path);
  // Object files and core dumps are not loaded by anyone: there is nothing to judge per target.
  FileType type = file.facts->elf.type;
  if (type == FileType::relocatable || type == FileType::core) return file;
  for (const Target* target : targets) {
    file.targets.push_back(verdict_on(*file.facts, *target, table, gate, loads));
  }
  file.summary = summarize(file.targets, targets);
  file.status = status_of(file.targets);
  file.policy_tag = policy_tag_of(file, table, gate, loads);
  return file;
}

ReleaseReport report_release(const std::string& path, const std::vector<const FileReport*>& files,
                             const std::vector<const Target*>& targets, const Gate& gate) {
  ReleaseReport release;
  release.path = path;
  for (const auto* file : files) {
    ++release.files;
    if (file->status == FileStatus::error) ++release.errors;
  }
  // A release none of whose files could be analysed has no verdict: it would pass unchecked.
  if (release.files == release.errors) return release;
  std::map<std::string, const Target*> oldest;
  for (size_t t = 0; t < targets.size(); ++t) {
    ReleaseTarget verdict{targets[t]->id, Verdict::pass, {}};
    for (const auto* file : files) {
      if (t >= file->targets.size()) continue;
      Verdict v = file->targets[t].verdict;
      if (v > verdict.verdict) {
        verdict.verdict = v;
        verdict.held_back_by.clear();
      }
      if (v == verdict.verdict && v != Verdict::pass) verdict.held_back_by.push_back(file->path);
    }
    if (verdict.verdict != Verdict::fail) {
      auto& current = oldest[targets[t]->family];
      if (!current || targets[t]->released < current->released) current = targets[t];
    }
    release.targets.push_back(std::move(verdict));
  }
  for (const auto& [family, target] : oldest) release.oldest_per_family[family] = target->id;
  release.wheel = is_wheel_name(path);
  // A wheel's name speaks for its own files, not for those of a wheel inside it.
  std::vector<const FileReport*> own = release.wheel ? files_of_wheel(path, files) : files;
  release.policy_tags = release_policy_tags(own);
  if (release.wheel) {
    release.wheel_tag_findings = wheel_tag_findings(path, own, release.policy_tags);
    suppress(release.wheel_tag_findings, path, gate);
    release.fails_gate = std::any_of(release.wheel_tag_findings.begin(),
                                     release.wheel_tag_findings.end(), [&](const Finding& f) {
                                       return f.suppression < 0 &&
                                              (f.severity == Severity::fail ||
                                               (f.severity == Severity::warn && gate.fail_on_warn));
                                     });
  }
  return release;
}

std::vector<Suppression> unused_suppressions(const std::vector<Suppression>& suppressions,
                                             const std::vector<FileReport>& files,
                                             const std::vector<ReleaseReport>& releases) {
  std::vector<bool> used(suppressions.size(), false);
  auto mark = [&](const std::vector<Finding>& findings) {
    for (const auto& finding : findings) {
      if (finding.suppression >= 0) used[static_cast<size_t>(finding.suppression)] = true;
    }
  };
  for (const auto& file : files) {
    for (const auto& target : file.targets) mark(target.findings);
    // A suppression that changes a file's tag is in use, though no selected target shows it.
    if (file.policy_tag) {
      for (size_t index : file.policy_tag->suppressions_used) used.at(index) = true;
    }
  }
  for (const auto& release : releases) mark(release.wheel_tag_findings);
  std::vector<Suppression> unused;
  for (size_t i = 0; i < suppressions.size(); ++i) {
    if (!used[i]) unused.push_back(suppressions[i]);
  }
  return unused;
}

std::vector<RuleOutcome> outcomes_by_rule(const FileReport& file) {
  std::vector<RuleOutcome> outcomes;
  for (const auto& target : file.targets) {
    for (const auto& finding : target.findings) {
      if (finding.suppression >= 0 || finding.severity == Severity::info) continue;
      auto outcome = std::find_if(outcomes.begin(), outcomes.end(),
                                  [&](const RuleOutcome& o) { return o.rule == finding.rule; });
      if (outcome == outcomes.end()) {
        outcome = outcomes.insert(
            outcomes.end(), {finding.rule, finding.severity, finding.message, finding.hint, {}});
      }
      if (finding.severity > outcome->severity) {
        outcome->severity = finding.severity;
        outcome->message = finding.message;
        outcome->hint = finding.hint;
      }
      auto& targets = outcome->targets;
      if (targets.empty() || targets.back() != target.target_id) {
        targets.push_back(target.target_id);
      }
    }
  }
  return outcomes;
}

RunSummary summarize_run(const std::vector<FileReport>& files,
                         const std::vector<ReleaseReport>& releases) {
  RunSummary summary;
  summary.files = files.size();
  for (const auto& file : files) {
    if (file.status == FileStatus::pass) ++summary.passed;
    if (file.status == FileStatus::fail) ++summary.failed;
    if (file.status == FileStatus::error) ++summary.errors;
  }
  for (const auto& release : releases) summary.releases_failed += release.fails_gate ? 1 : 0;
  return summary;
}

// An input that could not be analysed outranks violations: its verdict is unknown, and a gate
// must not read "1" as "the rest was checked and only rules failed".
ExitCode exit_code(const Report& report) {
  if (report.summary.errors > 0) return exit_input_error;
  bool violations = report.summary.failed > 0 || report.summary.releases_failed > 0;
  return violations ? exit_violations : exit_ok;
}

std::optional<std::string> stale_table_notice(const std::string& table_date,
                                              const std::vector<FileReport>& files) {
  if (table_date.size() != 10) return std::nullopt;
  // ISO dates compare as strings; a year later is the same date with the year plus one.
  std::string year_later =
      std::to_string(std::stoi(table_date.substr(0, 4)) + 1) + table_date.substr(4);
  const FileReport* newest = nullptr;
  for (const auto& file : files) {
    if (!file.facts || file.facts->modified.size() != 10) continue;
    if (!newest || file.facts->modified > newest->facts->modified) newest = &file;
  }
  if (!newest || newest->facts->modified <= year_later) return std::nullopt;
  return "the baseline table (" + table_date + ") is more than a year older than " + newest->path +
         " (" + newest->facts->modified +
         "): distribution releases of the past year are missing; update portcheck or pass a "
         "newer table with --baselines";
}

const char* to_string(FileStatus status) {
  switch (status) {
    case FileStatus::pass: return "pass";
    case FileStatus::fail: return "fail";
    case FileStatus::error: return "error";
  }
  return "error";
}

const Finding* reason_of(const TargetVerdict& target) {
  if (target.reason < 0 || static_cast<size_t>(target.reason) >= target.findings.size()) {
    return nullptr;
  }
  return &target.findings[static_cast<size_t>(target.reason)];
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "pass";
    case Verdict::warn: return "warn";
    case Verdict::fail: return "fail";
  }
  return "fail";
}

}  // namespace portcheck
