// The pipeline, read top to bottom: baselines -> targets -> inputs and load (in parallel) ->
// releases -> rules and report -> render -> output.
#include "run.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "output.hpp"
#include "pool.hpp"
#include "portcheck/derive.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/inputs.hpp"
#include "portcheck/load.hpp"
#include "portcheck/release.hpp"
#include "portcheck/render.hpp"
#include "portcheck/report.hpp"
#include "portcheck/strings.hpp"
#include "progress.hpp"
#include "targets.hpp"
#include "version.hpp"

namespace portcheck::cli {
namespace {

// Libraries of a release loaded from disk only to score the files that load them.
constexpr size_t kMaxNeighbours = 4096;

Result<Facts> load_and_derive(const InputItem& item) {
  // load: what the ELF records, checked against the file so damage is an error
  Result<ElfFacts> elf = load_elf(item.path, item.bytes);
  if (auto* error = std::get_if<FileError>(&elf)) return *error;
  // facts: libc flavour, highest version per family, culprits, TLS
  Facts facts = derive_facts(item.path, std::move(std::get<ElfFacts>(elf)));
  facts.release = item.release;
  facts.modified = item.modified;
  facts.container = item.container;
  return facts;
}

std::string mebibytes(size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// A file is analysed only when what it costs fits the memory budget; running out of memory
// anyway is an error of that file, and the run goes on.
Result<Facts> analyse(const InputItem& item, size_t memory_budget) {
  if (item.error) return *item.error;
  if (item.bytes.size() > largest_analysable(memory_budget)) {
    return FileError{item.path, ErrorKind::out_of_memory,
                     "analysing a file of " + mebibytes(item.bytes.size()) +
                         " needs more than the memory budget of " + mebibytes(memory_budget) +
                         " (--max-memory)"};
  }
  try {
    return load_and_derive(item);
  } catch (const std::bad_alloc&) {
    return FileError{item.path, ErrorKind::out_of_memory, "memory ran out while analysing it"};
  }
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
  WorkerPool pool(plan.jobs, plan.memory_budget);
  const size_t budget = plan.memory_budget;
  auto submit = [&](InputItem item) {
    auto slot = std::make_shared<Result<Facts>>(FileError{});
    analysed.files.push_back(slot);
    analysed.releases.push_back(item.release);
    size_t weight = item.bytes.size() * kLoadCostFactor;
    pool.submit(
        [slot, item = std::move(item), budget, &progress]() {
          *slot = analyse(item, budget);
          progress.file_done();
        },
        weight);
  };
  WalkOptions options{plan.excludes, plan.memory_budget, existing_outputs(plan)};
  walk_inputs(plan.paths, options, submit, analysed.stats);
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
    if (!facts.container.empty()) continue;  // archives hold their own
    for (const auto& dir : library_search_dirs(facts)) {
      for (const auto& soname : facts.elf.needed) {
        std::string candidate = normalize_path(dir + "/" + soname);
        if (known.count(candidate) || is_excluded(options, candidate) || !is_file(candidate)) {
          continue;
        }
        known.insert(candidate);
        Result<FileBytes> input = map_input(candidate);
        if (!std::holds_alternative<FileBytes>(input)) continue;
        InputItem item{candidate, facts.release, candidate, std::get<FileBytes>(input), {}, "", ""};
        Result<Facts> loaded = analyse(item, options.memory_budget);
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

// The wheels inside a directory or an archive (dist/, a tarball of wheels): each is a release of
// its own, whose file name is checked. A file's wheel is the archive holding it (its
// `container`), never a name that merely reads ".whl!/"; a wheel named on the command line is a
// release already.
std::map<std::string, std::vector<const FileReport*>> nested_wheels(
    const std::string& release, const std::vector<const FileReport*>& files) {
  std::map<std::string, std::vector<const FileReport*>> wheels;
  for (const FileReport* file : files) {
    if (!file->facts) continue;
    const std::string& container = file->facts->container;
    if (!ends_with(container, ".whl!/")) continue;
    std::string wheel = container.substr(0, container.size() - 2);
    if (wheel != release) wheels[wheel].push_back(file);
  }
  return wheels;
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
  std::map<std::string, ReleaseIndex> indexes;
  for (auto& [name, files] : releases) {
    resolve_release(files, aliases);
    indexes[name] = index_release({files.begin(), files.end()});
  }
  std::map<std::string, std::vector<const FileReport*>> by_release;
  report.files.reserve(analysed.files.size());
  const ReleaseIndex no_release;
  for (size_t i = 0; i < analysed.files.size(); ++i) {
    const auto& slot = analysed.files[i];
    const auto* facts = std::get_if<Facts>(slot.get());
    const ReleaseIndex& release = facts ? indexes[facts->release] : no_release;
    std::vector<const Facts*> loads;
    if (facts) loads = bundled_closure(*facts, release);
    report.files.push_back(report_file(*slot, targets, table, plan.gate, loads));
    report.files.back().release = analysed.releases[i];
    if (plan.tree) report.files.back().tree = dependency_tree(report.files.back(), release);
  }
  // A directory or an archive is a release: one verdict per target for the whole of it.
  std::map<std::string, bool> is_release;
  for (const auto& file : report.files) {
    const std::string& release = file.release.empty() ? file.path : file.release;
    by_release[release].push_back(&file);
    is_release[release] = is_release[release] || file.path != release;
  }
  std::set<std::string> summarised;  // a wheel met twice (named, and in a directory) once
  auto summarise = [&](const std::string& path, const std::vector<const FileReport*>& files) {
    if (summarised.insert(path).second) {
      report.releases.push_back(report_release(path, files, targets, plan.gate));
    }
  };
  for (const auto& path : plan.paths) {
    if (!by_release.count(path)) {
      // A directory or archive without a single ELF file: said, not silently passed over.
      summarise(path, {});
      is_release[path] = false;
    }
    if (is_release[path]) {
      summarise(path, by_release[path]);
      is_release[path] = false;  // a path named twice is summarised once
      for (auto& [wheel, files] : nested_wheels(path, by_release[path])) summarise(wheel, files);
    }
  }
  report.summary = summarize_run(report.files, report.releases);
  if (auto notice = stale_table_notice(table.table_date, report.files)) {
    report.notices.push_back(*notice);
  }
  return report;
}

std::optional<BaselineTable> load_table(const RunPlan& plan) {
  TableResult bundled = bundled_baselines();
  if (!bundled.table) {
    std::cerr << "portcheck: " << escape_text(bundled.error) << "\n";
    return std::nullopt;
  }
  if (!plan.baselines_file) return bundled.table;
  TableResult extra = read_baselines_file(*plan.baselines_file);
  if (!extra.table) {
    std::cerr << "portcheck: " << escape_text(extra.error) << "\n";
    return std::nullopt;
  }
  BaselineTable table =
      extra.replace ? *extra.table : merge_baselines(*bundled.table, *extra.table);
  auto problems = check_baselines(table);
  if (!problems.empty()) {
    std::cerr << "portcheck: " << escape_text(*plan.baselines_file) << ": "
              << escape_text(problems.front()) << "\n";
    return std::nullopt;
  }
  return table;
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
    std::cerr << "portcheck: " << escape_text(file.path) << ": " << to_string(file.error->kind)
              << ": " << escape_text(file.error->message) << "\n";
  }
}

// SARIF's %SRCROOT% and GitLab's root: --sarif-root, else the working directory (or / when
// it is gone).
ReportPaths report_paths(const RunPlan& plan) {
  std::error_code error;
  std::filesystem::path cwd = std::filesystem::current_path(error);
  if (error) cwd = "/";
  std::filesystem::path root = plan.sarif_root ? cwd / *plan.sarif_root : cwd;
  std::string normal = root.lexically_normal().string();
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return ReportPaths{normal, cwd.string()};
}

std::string render_as(Format format, const Report& report, const RunPlan& plan) {
  switch (format) {
    case Format::json: return render_json(report);
    case Format::sarif: return render_sarif(report, report_paths(plan));
    case Format::github: return render_github(report);
    case Format::markdown: return render_markdown(report);
    case Format::junit: return render_junit(report);
    case Format::gitlab: return render_gitlab(report, report_paths(plan));
    case Format::html: return render_html(report);
    case Format::text: break;
  }
  return render_text(report, TextStyle{plan.color, plan.tree});
}

// Notes about the run as a whole, and suppressions that matched nothing (stale ones).
void print_notices(const RunPlan& plan, const Report& report) {
  for (const auto& notice : report.notices) {
    std::cerr << "portcheck: note: " << escape_text(notice) << "\n";
  }
  for (const auto& s : report.unused_suppressions) {
    std::string which = "rule " + s.rule + (s.target.empty() ? "" : ", target " + s.target) +
                        (s.file.empty() ? "" : ", file " + s.file) +
                        (s.culprit.empty() ? "" : ", culprit " + s.culprit);
    std::cerr << "portcheck: " << escape_text(plan.config_file.value_or("config"))
              << ": suppression matched nothing (" << escape_text(which) << "): remove it\n";
  }
}

}  // namespace

Reported report_for(const RunPlan& plan) {
  // baselines: the bundled table, extended or replaced by --baselines
  std::optional<BaselineTable> table = load_table(plan);
  if (!table) return {std::nullopt, exit_usage};
  // targets: ids and groups resolved against the table; a typo is a usage error, not a pass
  Selection selection = select_targets(*table, plan.target_specs);
  if (!selection.error.empty()) {
    std::cerr << "portcheck: " << escape_text(selection.error) << "\n";
    return {std::nullopt, exit_usage};
  }
  // inputs and load: every file of every directory and archive, on all cores
  Analysed analysed = analyse_inputs(plan);
  if (!analysed.stats.outputs_met.empty()) {
    std::cerr << "portcheck: " << escape_text(analysed.stats.outputs_met.front())
              << ": is an output of this run: refusing to write the report over an input\n";
    return {std::nullopt, exit_usage};
  }
  // releases: libraries beside a named file, then NEEDED resolved inside each release
  load_disk_neighbours(analysed, WalkOptions{plan.excludes, plan.memory_budget, {}});
  // report: every rule on every selected target, the release libraries' findings included
  Report report = build_report(plan, analysed, *table, selection.targets);
  report.unused_suppressions =
      unused_suppressions(plan.gate.suppressions, report.files, report.releases);
  return {std::move(report), exit_ok};
}

namespace {

// --list-targets [ID|@GROUP ...]: the table, or the part of it the arguments and -t name.
int list_targets(const RunPlan& plan) {
  std::optional<BaselineTable> table = load_table(plan);
  if (!table) return exit_usage;
  std::vector<std::string> specs = plan.target_specs;
  for (const auto& argument : plan.paths) {  // comma-separated, as -t takes them
    for (size_t start = 0, comma;; start = comma + 1) {
      comma = argument.find(',', start);
      std::string spec = argument.substr(start, comma - start);
      if (!spec.empty()) specs.push_back(spec);
      if (comma == std::string::npos) break;
    }
  }
  if (!specs.empty()) {
    Selection selection = select_targets(*table, specs);
    if (!selection.error.empty()) {
      std::cerr << "portcheck: " << escape_text(selection.error) << "\n";
      return exit_usage;
    }
    std::vector<Target> chosen;
    for (const Target* target : selection.targets) chosen.push_back(*target);
    table->targets = std::move(chosen);
  }
  return write_or_say(plan.output_file, plan.format == Format::json ? render_targets_json(*table)
                                                                    : render_targets_text(*table));
}

}  // namespace

int run(const RunPlan& plan) {
  // Its arguments are target names, not inputs a report could overwrite.
  if (plan.list_targets) return list_targets(plan);
  if (auto output = output_among_inputs(plan)) {
    std::cerr << "portcheck: " << escape_text(*output)
              << ": refusing to write the report over an input\n";
    return exit_usage;
  }
  Reported reported = report_for(plan);
  if (!reported.report) return reported.exit_code;
  const Report& report = *reported.report;
  // render: the report as the user asked for it, and any extra files; errors also go to
  // stderr, one line each
  if (!errors_shown_on_terminal(plan)) print_errors(report);
  print_notices(plan, report);
  int written = write_or_say(plan.output_file, render_as(plan.format, report, plan));
  for (const auto& extra : plan.extra_outputs) {
    if (written == exit_ok)
      written = write_or_say(extra.file, render_as(extra.format, report, plan));
  }
  return written != exit_ok ? written : exit_code(report);
}

}  // namespace portcheck::cli
