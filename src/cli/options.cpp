#include "options.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "config.hpp"
#include "parse_error.hpp"
#include "portcheck/baseline.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/inputs.hpp"
#include "portcheck/report.hpp"
#include "version.hpp"

namespace portcheck::cli {
namespace {

// Colour only where a person reads it, and never when NO_COLOR is set (no-color.org).
bool use_color(const std::string& choice, const RunPlan& plan) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  if (plan.format != Format::text) return false;
  if (choice == "always") return true;
  if (choice == "never") return false;
  return !plan.output_file && ::isatty(STDOUT_FILENO);
}

Format format_named(const std::string& name) {
  if (name == "json") return Format::json;
  if (name == "sarif") return Format::sarif;
  if (name == "github") return Format::github;
  if (name == "markdown") return Format::markdown;
  if (name == "junit") return Format::junit;
  if (name == "gitlab") return Format::gitlab;
  if (name == "html") return Format::html;
  return Format::text;
}

// The config fills in what the command line left open; the command line always wins.
bool apply_config(const std::optional<std::string>& explicit_path, bool fail_on_given,
                  RunPlan& plan, std::string& fail_on) {
  ConfigResult result = load_config(explicit_path);
  if (!result.error.empty()) {
    std::cerr << "portcheck: " << escape_text(result.error) << "\n";
    return false;
  }
  if (!result.config) return true;
  const ProjectConfig& config = *result.config;
  plan.config_file = config.path;
  // The config's targets choose what a check is scored on, not what --list-targets shows.
  if (plan.target_specs.empty() && !plan.list_targets) plan.target_specs = config.targets;
  if (!fail_on_given && config.fail_on) fail_on = *config.fail_on;
  if (!plan.baselines_file) plan.baselines_file = config.baselines;
  plan.excludes.insert(plan.excludes.end(), config.excludes.begin(), config.excludes.end());
  plan.gate.suppressions = config.suppressions;
  return true;
}

}  // namespace

std::string check_platform(const std::string& text) {
  auto word = [](const std::string& part) {
    return !part.empty() && part.size() <= 64 &&
           part.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos;
  };
  std::string platform = text.substr(0, text.find('@'));
  std::string count = text.size() > platform.size() ? text.substr(platform.size() + 1) : "1";
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t slash = platform.find('/', start);
    parts.push_back(platform.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  bool counted = !count.empty() && count.size() <= 3 &&
                 count.find_first_not_of("0123456789") == std::string::npos;
  if ((parts.size() == 2 || parts.size() == 3) && std::all_of(parts.begin(), parts.end(), word) &&
      counted) {
    return "";
  }
  return "not a platform of the form os/arch[/variant], such as linux/arm64";
}

// The default budget: 4 GiB, or half of the RAM or of the address-space limit (ulimit -v) when
// that is less, so that a run never plans for memory the machine cannot give it.
size_t default_memory_budget() {
  size_t budget = kDefaultMemoryBudget;
  long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) {
    budget = std::min(budget, static_cast<size_t>(pages) * static_cast<size_t>(page_size) / 2);
  }
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    budget = std::min(budget, static_cast<size_t>(limit.rlim_cur / 2));
  }
  return budget;
}

ParsedArgs parse_args(int argc, char** argv) {
  CLI::App app{"portcheck: on which Linux systems will this binary run, and why not elsewhere?",
               "portcheck"};
  RunPlan plan;
  std::string format = "text", color = "auto", fail_on = "fail";
  app.add_option("paths", plan.paths,
                 "ELF files, directories or archives (a release) to check; with --list-targets, "
                 "target ids and @groups");
  app.add_option("--format", format, "output format on stdout (or -o FILE)")
      ->check(
          CLI::IsMember({"text", "json", "sarif", "github", "markdown", "junit", "gitlab", "html"}))
      ->capture_default_str();
  std::optional<std::string> json_file, sarif_file, markdown_file, github_file, junit_file,
      gitlab_file, html_file, config_file;
  app.add_option("--json", json_file, "also write the JSON report to FILE");
  app.add_option("--sarif", sarif_file, "also write a SARIF 2.1.0 report to FILE");
  app.add_option("--sarif-root", plan.sarif_root,
                 "SARIF and GitLab locate files under DIR relative to it (SARIF's %SRCROOT%), "
                 "others by absolute path (default: the working directory)");
  app.add_option("--markdown", markdown_file, "also write a Markdown summary to FILE");
  app.add_option("--github", github_file, "also write GitHub Actions annotations to FILE");
  app.add_option("--junit", junit_file, "also write a JUnit XML test report to FILE");
  app.add_option("--gitlab", gitlab_file, "also write a GitLab code-quality report to FILE");
  app.add_option("--html", html_file, "also write a self-contained HTML report to FILE");
  auto* config = app.add_option("--config", config_file,
                                "project config (default: .portcheck.json here or in a parent)");
  bool no_config = false;
  app.add_flag("--no-config", no_config, "ignore .portcheck.json")->excludes(config);
  app.add_option("-o,--output", plan.output_file, "write the report to FILE instead of stdout");
  app.add_option("--color", color, "colour in text output")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_option("-t,--target", plan.target_specs,
                 "target ids or groups (@supported, @all, @rhel, @ubuntu, @manylinux, ...); "
                 "repeatable and comma-separated; default @supported")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--baselines", plan.baselines_file,
                 "JSON table of targets that extends (or, with \"replace\": true, replaces) the "
                 "bundled one");
  app.add_flag("--list-targets", plan.list_targets,
               "print the target table and exit; arguments (ids or groups, such as @pypa) and -t "
               "narrow it");
  app.add_option("--fail-on", fail_on, "lowest verdict that fails the run (exit 1)")
      ->check(CLI::IsMember({"warn", "fail"}))
      ->capture_default_str();
  plan.jobs = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("-j,--jobs", plan.jobs, "files analysed at once (default: the number of cores)")
      ->check(CLI::Range(1u, 1024u));
  plan.memory_budget = default_memory_budget();
  app.add_option("--max-memory", plan.memory_budget,
                 "memory the analysis may plan for, such as 2G or 512M (default: 4G, or half of "
                 "the RAM or of ulimit -v when less); a file needing more is an error entry")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(kMinMemoryBudget, SIZE_MAX / 2));
  app.add_option("--exclude", plan.excludes,
                 "leave out files and directories matching GLOB (path or base name); repeatable")
      ->allow_extra_args(false);
  app.add_option("--platform", plan.platform,
                 "of a multi-platform container image, audit only this platform, such as "
                 "linux/arm64 (default: each platform, a release of its own)")
      ->type_name("OS/ARCH[/VARIANT]")
      ->check(check_platform);
  app.add_flag("--tree", plan.tree, "print each file's dependency tree (bundled, system, missing)");
  app.footer(
      "Also: portcheck baseline capture [--root DIR] [--id ID] [--name NAME] [--family FAMILY]\n"
      "prints this system (or the root at DIR) as a target for --baselines; see portcheck(1).");
  app.set_version_flag("--version", std::string("portcheck ") + kVersion + " (baseline table " +
                                        bundled_table_date() + ")");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, exit_after_parse_error(app, e)};
  }
  if (plan.paths.empty() && !plan.list_targets) {
    std::cerr << "portcheck: no files given\nRun with --help for more information.\n";
    return {std::nullopt, exit_usage};
  }
  plan.format = format_named(format);
  for (const auto& [file, kind] : {std::pair{json_file, Format::json},
                                   {sarif_file, Format::sarif},
                                   {markdown_file, Format::markdown},
                                   {github_file, Format::github},
                                   {junit_file, Format::junit},
                                   {gitlab_file, Format::gitlab},
                                   {html_file, Format::html}}) {
    if (file) plan.extra_outputs.push_back({kind, *file});
  }
  bool fail_on_given = app.count("--fail-on") > 0;
  if (!no_config && !apply_config(config_file, fail_on_given, plan, fail_on)) {
    return {std::nullopt, exit_usage};
  }
  plan.gate.fail_on_warn = fail_on == "warn";
  plan.color = use_color(color, plan);
  return {plan, exit_ok};
}

}  // namespace portcheck::cli
