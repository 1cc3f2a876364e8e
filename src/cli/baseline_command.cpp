#include "baseline_command.hpp"

#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>

#include "options.hpp"
#include "output.hpp"
#include "parse_error.hpp"
#include "portcheck/baseline.hpp"
#include "portcheck/capture.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/inputs.hpp"
#include "portcheck/report.hpp"
#include "portcheck/strings.hpp"

namespace portcheck::cli {
namespace {

int capture(CaptureOptions options) {
  TableResult bundled = bundled_baselines();
  if (!bundled.table) {
    std::cerr << "portcheck: " << bundled.error << "\n";
    return exit_usage;
  }
  options.date = iso_date(std::time(nullptr));
  Result<Capture> captured = capture_baseline(options, *bundled.table);
  if (const auto* error = std::get_if<FileError>(&captured)) {
    std::cerr << "portcheck: " << escape_text(error->path) << ": " << escape_text(error->message)
              << "\n";
    return exit_input_error;
  }
  const Capture& result = std::get<Capture>(captured);
  for (const auto& note : result.notes) {
    std::cerr << "portcheck: note: " << escape_text(note) << "\n";
  }
  // What is printed must be a target --baselines accepts; anything else is a bug in the capture.
  BaselineTable alone{options.date, {result.target}, {}};
  std::vector<std::string> problems = check_baselines(alone);
  for (const auto& problem : problems) {
    std::cerr << "portcheck: the captured target fails the table check: " << escape_text(problem)
              << "\n";
  }
  int written = write_or_say(std::nullopt, render_capture_json(result));
  if (written != exit_ok) return written;
  return problems.empty() ? exit_ok : exit_input_error;
}

}  // namespace

int run_baseline_command(int argc, char** argv) {
  CLI::App app{"portcheck baseline: targets of the baseline table from systems at hand",
               "portcheck baseline"};
  app.require_subcommand(1);
  CaptureOptions options;
  auto* command = app.add_subcommand(
      "capture",
      "print the running system, the root file system at --root or the container image at "
      "--image, as one target of the "
      "table (the JSON of one element of `targets`); reads files only, runs nothing");
  auto* root = command->add_option("--root", options.root, "root file system to read")
                   ->type_name("DIR")
                   ->capture_default_str();
  command
      ->add_option("--image", options.image,
                   "container image to read instead: a docker save or podman save archive, or "
                   "an OCI image layout (a directory or a tar of one)")
      ->type_name("IMAGE")
      ->excludes(root);
  command
      ->add_option("--platform", options.platform,
                   "of a multi-platform image, the platform to capture, such as linux/arm64")
      ->check(check_platform);
  options.memory_budget = default_memory_budget();
  command
      ->add_option("--max-memory", options.memory_budget,
                   "memory the capture of an image may take, such as 2G (default: as for a run)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(kMinMemoryBudget, SIZE_MAX / 2));
  command->add_option("--id", options.id, "target id (default: ID-VERSION_ID of os-release)");
  command->add_option("--name", options.name, "target name (default: PRETTY_NAME of os-release)");
  command->add_option("--family", options.family,
                      "target family (default: from ID and ID_LIKE of os-release)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return exit_after_parse_error(app, e);
  }
  return capture(options);
}

}  // namespace portcheck::cli
