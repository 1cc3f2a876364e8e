// The pipeline, read top to bottom: baselines -> targets -> inputs, load and facts (in parallel)
// -> releases -> rules and report -> render -> output. Each stage is a library; this file only
// calls them in order, on the worker pool, and says what went wrong.
#include "run.hpp"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>

#include "output.hpp"
#include "pool.hpp"
#include "portcheck/analyse.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/inputs.hpp"
#include "portcheck/release.hpp"
#include "portcheck/render.hpp"
#include "portcheck/report.hpp"
#include "portcheck/strings.hpp"
#include "progress.hpp"
#include "targets.hpp"
#include "version.hpp"

namespace portcheck::cli {
namespace {

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
  // targets: images captured, then ids and groups resolved against the table; a typo is a usage
  // error, not a pass
  std::vector<std::string> specs = plan.target_specs;
  ImageTargetOptions image_options{plan.paths, plan.platform, plan.memory_budget,
                                   iso_date(std::time(nullptr))};
  std::string image_error = add_image_targets(*table, specs, image_options);
  if (!image_error.empty()) {
    std::cerr << "portcheck: " << escape_text(image_error) << "\n";
    return {std::nullopt, exit_input_error};
  }
  Selection selection = select_targets(*table, specs);
  if (!selection.error.empty()) {
    std::cerr << "portcheck: " << escape_text(selection.error) << "\n";
    return {std::nullopt, exit_usage};
  }
  // inputs, load and facts: every file of every directory and archive, on all cores
  WorkerPool pool(plan.jobs, plan.memory_budget);
  AnalysedInputs analysed;
  {
    Progress progress;
    WalkOptions options{plan.excludes, plan.memory_budget, existing_outputs(plan), plan.platform};
    analysed = analyse_inputs(plan.paths, options, pool, [&progress] { progress.file_done(); });
  }
  if (!analysed.stats.outputs_met.empty()) {
    std::cerr << "portcheck: " << escape_text(analysed.stats.outputs_met.front())
              << ": is an output of this run: refusing to write the report over an input\n";
    return {std::nullopt, exit_usage};
  }
  // releases: libraries beside a named file, then NEEDED resolved inside each release
  add_disk_neighbours(analysed, WalkOptions{plan.excludes, plan.memory_budget, {}, ""}, pool);
  std::map<std::string, ReleaseIndex> releases = resolve_releases(analysed);
  // report: every rule on every selected target, the release libraries' findings included
  ReportRequest request{plan.paths, selection.targets, plan.gate, plan.tree, kVersion};
  return {build_report(analysed, releases, *table, request), exit_ok};
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
