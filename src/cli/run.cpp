// The pipeline, read top to bottom: baselines -> targets -> inputs -> load -> facts -> rules and
// report -> render -> output.
#include "run.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "portcheck/derive.hpp"
#include "portcheck/inputs.hpp"
#include "portcheck/load.hpp"
#include "portcheck/render.hpp"
#include "portcheck/report.hpp"
#include "targets.hpp"
#include "version.hpp"

namespace portcheck::cli {
namespace {

Result<Facts> analyse(const std::string& path) {
  // inputs: the bytes, or why they cannot be had (missing, unreadable, a directory)
  Result<InputFile> input = read_input(path);
  if (auto* error = std::get_if<FileError>(&input)) return *error;
  // load: what the ELF records, checked against the file so damage is an error
  Result<ElfFacts> elf = load_elf(path, std::get<InputFile>(input).bytes);
  if (auto* error = std::get_if<FileError>(&elf)) return *error;
  // facts: libc flavour, highest version per family, culprits, bundled libraries
  Facts facts = derive_facts(path, std::move(std::get<ElfFacts>(elf)));
  facts.bundled = find_bundled(path, facts.elf);
  return facts;
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
bool output_overwrites_input(const RunPlan& plan) {
  if (!plan.output_file) return false;
  for (const auto& path : plan.paths) {
    if (same_file(path, *plan.output_file)) return true;
  }
  return false;
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

void print_errors(const Report& report) {
  for (const auto& file : report.files) {
    if (!file.error) continue;
    std::cerr << "portcheck: " << file.path << ": " << to_string(file.error->kind) << ": "
              << file.error->message << "\n";
  }
}

// Each bad input gets its one-line error on stderr, unless the text report itself (which lists
// it) goes to the same terminal: there it would only be said twice.
bool errors_shown_on_terminal(const RunPlan& plan) {
  return plan.format == Format::text && !plan.output_file && ::isatty(STDOUT_FILENO) &&
         ::isatty(STDERR_FILENO);
}

int finish(const RunPlan& plan, const std::string& text) {
  if (write_output(plan, text)) return exit_ok;
  std::cerr << "portcheck: " << plan.output_file.value_or("stdout")
            << ": cannot write the report\n";
  return exit_usage;
}

}  // namespace

int run(const RunPlan& plan) {
  if (output_overwrites_input(plan)) {
    std::cerr << "portcheck: " << *plan.output_file
              << ": refusing to write the report over an input\n";
    return exit_usage;
  }
  // baselines: the bundled table, extended or replaced by --baselines
  std::optional<BaselineTable> table = load_table(plan);
  if (!table) return exit_usage;
  if (plan.list_targets) {
    return finish(plan, plan.format == Format::json ? render_targets_json(*table)
                                                    : render_targets_text(*table));
  }
  // targets: ids and groups resolved against the table; a typo is a usage error, not a pass
  Selection selection = select_targets(*table, plan.target_specs);
  if (!selection.error.empty()) {
    std::cerr << "portcheck: " << selection.error << "\n";
    return exit_usage;
  }
  // analyse and report: facts per file, scored by every rule on every selected target
  Report report{kVersion, table->table_date, {}, {}, {}};
  for (const Target* target : selection.targets) report.selected_targets.push_back(target->id);
  for (const auto& path : plan.paths) {
    report.files.push_back(report_file(analyse(path), selection.targets, *table, plan.gate));
  }
  report.summary = summarize_run(report.files);
  // render: the report as the user asked for it; errors also go to stderr, one line each
  std::string text = plan.format == Format::json ? render_json(report)
                                                 : render_text(report, TextStyle{plan.color});
  if (!errors_shown_on_terminal(plan)) print_errors(report);
  int written = finish(plan, text);
  return written != exit_ok ? written : exit_code(report);
}

}  // namespace portcheck::cli
