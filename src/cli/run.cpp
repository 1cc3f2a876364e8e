// The pipeline, read top to bottom: baselines -> targets -> inputs and load (in parallel) ->
// releases -> rules and report -> render -> output.
#include "run.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "pool.hpp"
#include "portcheck/derive.hpp"
#include "portcheck/inputs.hpp"
#include "portcheck/load.hpp"
#include "portcheck/release.hpp"
#include "portcheck/render.hpp"
#include "portcheck/report.hpp"
#include "progress.hpp"
#include "targets.hpp"
#include "version.hpp"

namespace portcheck::cli {
namespace {

// Libraries of a release loaded from disk only to score the files that load them.
constexpr size_t kMaxNeighbours = 4096;

Result<Facts> analyse(const InputItem& item) {
  if (item.error) return *item.error;
  // load: what the ELF records, checked against the file so damage is an error
  Result<ElfFacts> elf = load_elf(item.path, item.bytes);
  if (auto* error = std::get_if<FileError>(&elf)) return *error;
  // facts: libc flavour, highest version per family, culprits, TLS
  Facts facts = derive_facts(item.path, std::move(std::get<ElfFacts>(elf)));
  facts.release = item.release;
  facts.modified = item.modified;
  return facts;
}

struct Analysed {
  std::vector<std::shared_ptr<Result<Facts>>> files;  // in input order
  std::vector<std::string> releases;                  // the release of each, errors included
  std::deque<Facts> neighbours;  // release libraries found on disk; stable addresses
  WalkStats stats;
};

// Every input analysed on `jobs` threads; results land in input order whatever the timing.
Analysed analyse_inputs(const RunPlan& plan) {
  Analysed analysed;
  Progress progress;
  WorkerPool pool(plan.jobs);
  auto submit = [&](InputItem item) {
    auto slot = std::make_shared<Result<Facts>>(FileError{});
    analysed.files.push_back(slot);
    analysed.releases.push_back(item.release);
    size_t weight = item.bytes.size();
    pool.submit(
        [slot, item = std::move(item), &progress]() {
          *slot = analyse(item);
          progress.file_done();
        },
        weight);
  };
  walk_inputs(plan.paths, WalkOptions{plan.excludes}, submit, analysed.stats);
  pool.wait();
  return analysed;
}

bool is_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

// A file named alone still has its release around it on disk: libraries its RUNPATH finds
// through $ORIGIN are loaded too, so their needs count toward its verdict.
void load_disk_neighbours(Analysed& analysed, const WalkOptions& options) {
  std::set<std::string> known;
  for (const auto& alias : analysed.stats.aliases) known.insert(normalize_path(alias.alias));
  std::vector<const Facts*> queue;
  for (const auto& slot : analysed.files) {
    if (const auto* facts = std::get_if<Facts>(slot.get())) {
      known.insert(normalize_path(facts->path));
      queue.push_back(facts);
    }
  }
  for (size_t i = 0; i < queue.size() && analysed.neighbours.size() < kMaxNeighbours; ++i) {
    const Facts& facts = *queue[i];
    if (facts.path.find("!/") != std::string::npos) continue;  // archives hold their own
    for (const auto& dir : library_search_dirs(facts.path, facts.elf)) {
      for (const auto& soname : facts.elf.needed) {
        std::string candidate = normalize_path(dir + "/" + soname);
        if (known.count(candidate) || is_excluded(options, candidate) || !is_file(candidate)) {
          continue;
        }
        known.insert(candidate);
        Result<FileBytes> input = map_input(candidate);
        if (!std::holds_alternative<FileBytes>(input)) continue;
        InputItem item{candidate, facts.release, candidate, std::get<FileBytes>(input), {}, ""};
        Result<Facts> loaded = analyse(item);
        if (auto* library = std::get_if<Facts>(&loaded)) {
          if (analysed.neighbours.size() >= kMaxNeighbours) break;
          analysed.neighbours.push_back(std::move(*library));
          queue.push_back(&analysed.neighbours.back());
        }
      }
    }
  }
}

std::map<std::string, std::vector<Facts*>> releases_of(Analysed& analysed) {
  std::map<std::string, std::vector<Facts*>> releases;
  for (auto& slot : analysed.files) {
    if (auto* facts = std::get_if<Facts>(slot.get())) releases[facts->release].push_back(facts);
  }
  for (auto& facts : analysed.neighbours) releases[facts.release].push_back(&facts);
  return releases;
}

Report build_report(const RunPlan& plan, Analysed& analysed, const BaselineTable& table,
                    const std::vector<const Target*>& targets) {
  Report report;
  report.portcheck_version = kVersion;
  report.table_date = table.table_date;
  report.skipped = analysed.stats.skipped;
  report.excluded = analysed.stats.excluded;
  report.symlink_loops = analysed.stats.symlink_loops;
  for (const Target* target : targets) report.selected_targets.push_back(target->id);
  auto releases = releases_of(analysed);
  std::vector<std::pair<std::string, std::string>> aliases;
  for (const auto& alias : analysed.stats.aliases) aliases.emplace_back(alias.alias, alias.target);
  for (auto& [name, files] : releases) resolve_release(files, aliases);
  std::map<std::string, std::vector<const FileReport*>> by_release;
  report.files.reserve(analysed.files.size());
  for (size_t i = 0; i < analysed.files.size(); ++i) {
    const auto& slot = analysed.files[i];
    std::vector<const Facts*> loads, release_files;
    if (const auto* facts = std::get_if<Facts>(slot.get())) {
      release_files.assign(releases[facts->release].begin(), releases[facts->release].end());
      loads = bundled_closure(*facts, release_files);
    }
    report.files.push_back(report_file(*slot, targets, table, plan.gate, loads));
    report.files.back().release = analysed.releases[i];
    if (plan.tree) report.files.back().tree = dependency_tree(report.files.back(), release_files);
  }
  // A directory or an archive is a release: one verdict per target for the whole of it.
  std::map<std::string, bool> is_release;
  for (const auto& file : report.files) {
    const std::string& release = file.release.empty() ? file.path : file.release;
    by_release[release].push_back(&file);
    is_release[release] = is_release[release] || file.path != release;
  }
  for (const auto& path : plan.paths) {
    if (!by_release.count(path)) {
      // A directory or archive without a single ELF file: said, not silently passed over.
      report.releases.push_back(report_release(path, {}, targets));
      is_release[path] = false;
    }
    if (is_release[path]) {
      report.releases.push_back(report_release(path, by_release[path], targets));
      is_release[path] = false;  // a path named twice is summarised once
    }
  }
  report.summary = summarize_run(report.files);
  if (auto notice = stale_table_notice(table.table_date, report.files)) {
    report.notices.push_back(*notice);
  }
  return report;
}

std::optional<BaselineTable> load_table(const RunPlan& plan) {
  TableResult bundled = bundled_baselines();
  if (!bundled.table) {
    std::cerr << "portcheck: " << bundled.error << "\n";
    return std::nullopt;
  }
  if (!plan.baselines_file) return bundled.table;
  std::ifstream file(*plan.baselines_file, std::ios::binary);
  if (!file) {
    std::cerr << "portcheck: " << *plan.baselines_file << ": cannot read the baseline table\n";
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  TableResult extra = parse_baselines(text, *plan.baselines_file);
  if (!extra.table) {
    std::cerr << "portcheck: " << extra.error << "\n";
    return std::nullopt;
  }
  BaselineTable table =
      extra.replace ? *extra.table : merge_baselines(*bundled.table, *extra.table);
  auto problems = check_baselines(table);
  if (!problems.empty()) {
    std::cerr << "portcheck: " << *plan.baselines_file << ": " << problems.front() << "\n";
    return std::nullopt;
  }
  return table;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// Writing the report over an input would modify it; refused before anything is read.
std::optional<std::string> output_over_input(const RunPlan& plan) {
  std::vector<std::string> outputs;
  if (plan.output_file) outputs.push_back(*plan.output_file);
  for (const auto& extra : plan.extra_outputs) outputs.push_back(extra.file);
  for (const auto& output : outputs) {
    for (const auto& path : plan.paths) {
      if (same_file(path, output)) return output;
    }
  }
  return std::nullopt;
}

bool write_output(const RunPlan& plan, const std::string& text) {
  if (!plan.output_file) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  std::ofstream file(*plan.output_file, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  return static_cast<bool>(file);
}

// Each bad input gets its one-line error on stderr, unless the text report itself (which lists
// it) goes to the same terminal: there it would only be said twice.
bool errors_shown_on_terminal(const RunPlan& plan) {
  return plan.format == Format::text && !plan.output_file && ::isatty(STDOUT_FILENO) &&
         ::isatty(STDERR_FILENO);
}

void print_errors(const Report& report) {
  for (const auto& file : report.files) {
    if (!file.error) continue;
    std::cerr << "portcheck: " << file.path << ": " << to_string(file.error->kind) << ": "
              << file.error->message << "\n";
  }
}

std::string render_as(Format format, const Report& report, const RunPlan& plan) {
  switch (format) {
    case Format::json: return render_json(report);
    case Format::sarif: return render_sarif(report);
    case Format::github: return render_github(report);
    case Format::markdown: return render_markdown(report);
    case Format::text: break;
  }
  return render_text(report, TextStyle{plan.color, plan.tree});
}

// Notes about the run as a whole, and suppressions that matched nothing (stale ones).
void print_notices(const RunPlan& plan, const Report& report) {
  for (const auto& notice : report.notices) std::cerr << "portcheck: note: " << notice << "\n";
  for (const auto& s : report.unused_suppressions) {
    std::cerr << "portcheck: " << plan.config_file.value_or("config")
              << ": suppression matched nothing (rule " << s.rule
              << (s.target.empty() ? "" : ", target " + s.target)
              << (s.file.empty() ? "" : ", file " + s.file)
              << (s.culprit.empty() ? "" : ", culprit " + s.culprit) << "): remove it\n";
  }
}

int write_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (file) return exit_ok;
  std::cerr << "portcheck: " << path << ": cannot write the report\n";
  return exit_usage;
}

int finish(const RunPlan& plan, const std::string& text) {
  if (write_output(plan, text)) return exit_ok;
  std::cerr << "portcheck: " << plan.output_file.value_or("stdout")
            << ": cannot write the report\n";
  return exit_usage;
}

}  // namespace

Reported report_for(const RunPlan& plan) {
  // baselines: the bundled table, extended or replaced by --baselines
  std::optional<BaselineTable> table = load_table(plan);
  if (!table) return {std::nullopt, exit_usage};
  // targets: ids and groups resolved against the table; a typo is a usage error, not a pass
  Selection selection = select_targets(*table, plan.target_specs);
  if (!selection.error.empty()) {
    std::cerr << "portcheck: " << selection.error << "\n";
    return {std::nullopt, exit_usage};
  }
  // inputs and load: every file of every directory and archive, on all cores
  Analysed analysed = analyse_inputs(plan);
  // releases: libraries beside a named file, then NEEDED resolved inside each release
  load_disk_neighbours(analysed, WalkOptions{plan.excludes});
  // report: every rule on every selected target, the release libraries' findings included
  Report report = build_report(plan, analysed, *table, selection.targets);
  report.unused_suppressions = unused_suppressions(plan.gate.suppressions, report.files);
  return {std::move(report), exit_ok};
}

int run(const RunPlan& plan) {
  if (auto output = output_over_input(plan)) {
    std::cerr << "portcheck: " << *output << ": refusing to write the report over an input\n";
    return exit_usage;
  }
  if (plan.list_targets) {
    std::optional<BaselineTable> table = load_table(plan);
    if (!table) return exit_usage;
    return finish(plan, plan.format == Format::json ? render_targets_json(*table)
                                                    : render_targets_text(*table));
  }
  Reported reported = report_for(plan);
  if (!reported.report) return reported.exit_code;
  const Report& report = *reported.report;
  // render: the report as the user asked for it, and any extra files; errors also go to
  // stderr, one line each
  if (!errors_shown_on_terminal(plan)) print_errors(report);
  print_notices(plan, report);
  int written = finish(plan, render_as(plan.format, report, plan));
  for (const auto& extra : plan.extra_outputs) {
    if (written == exit_ok) written = write_file(extra.file, render_as(extra.format, report, plan));
  }
  return written != exit_ok ? written : exit_code(report);
}

}  // namespace portcheck::cli
