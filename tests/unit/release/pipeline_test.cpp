// The pipeline driven as a library, without a process: inputs, load and facts on an executor,
// the libraries beside a named file, releases resolved, the report built.
#include <catch2/catch.hpp>

#include "pool.hpp"
#include "portcheck/analyse.hpp"
#include "portcheck/release.hpp"
#include "portcheck/render.hpp"
#include "portcheck/report.hpp"
#include "test_support.hpp"

using namespace portcheck;
using portcheck::test::fixture;

namespace {

struct Run {
  AnalysedInputs analysed;
  std::map<std::string, ReleaseIndex> releases;
};

Run run_pipeline(const std::vector<std::string>& paths, Executor& executor) {
  Run run;
  WalkOptions options;
  run.analysed = analyse_inputs(paths, options, executor);
  add_disk_neighbours(run.analysed, options, executor);
  run.releases = resolve_releases(run.analysed);
  return run;
}

Report report_of(const Run& run, const std::vector<std::string>& paths,
                 const std::vector<std::string>& target_ids) {
  static const BaselineTable table = *bundled_baselines().table;
  ReportRequest request;
  request.paths = paths;
  for (const auto& id : target_ids) request.targets.push_back(find_target(table, id));
  request.tree = true;
  request.portcheck_version = "test";
  return build_report(run.analysed, run.releases, table, request);
}

}  // namespace

TEST_CASE("a named file's release is found beside it on disk and counts", "[release]") {
  const std::string tool = fixture("release/bin/tool");
  InlineExecutor executor;
  Run run = run_pipeline({tool}, executor);
  REQUIRE(run.analysed.files.size() == 1);
  REQUIRE(run.analysed.neighbours.size() == 1);
  const Facts& library = run.analysed.neighbours.front();
  CHECK(library.path == fixture("release/lib/libnew.so.1"));
  CHECK(library.release == tool);  // the release of the file that needs it
  const Facts& facts = std::get<Facts>(*run.analysed.files.front());
  CHECK(facts.bundled == std::vector<std::string>{"libnew.so.1"});
  CHECK(facts.bundled_paths == std::vector<std::string>{library.path});
  REQUIRE(run.releases.count(tool) == 1);
  CHECK(run.releases.at(tool).size() == 2);

  // the tool needs glibc 2.17, its library 2.34: rhel-8 (2.28) fails the tool through it
  Report report = report_of(run, {tool}, {"rhel-8", "rhel-9"});
  REQUIRE(report.files.size() == 1);  // the library is scored for the tool, not reported
  const FileReport& file = report.files.front();
  REQUIRE(file.targets.size() == 2);
  CHECK(file.targets[0].verdict == Verdict::fail);
  const Finding* reason = reason_of(file.targets[0]);
  REQUIRE(reason);
  CHECK(reason->message.find("libnew.so.1") != std::string::npos);
  CHECK(file.targets[1].verdict == Verdict::pass);
  CHECK(report.releases.empty());  // a single file is not a release of its own
  CHECK(exit_code(report) == exit_violations);
}

TEST_CASE("without its library looked for, the tool fails for want of it instead", "[release]") {
  const std::string tool = fixture("release/bin/tool");
  InlineExecutor executor;
  Run run;
  WalkOptions options;
  run.analysed = analyse_inputs({tool}, options, executor);
  run.releases = resolve_releases(run.analysed);  // no neighbours looked for
  CHECK(std::get<Facts>(*run.analysed.files.front()).bundled.empty());
  Report report = report_of(run, {tool}, {"rhel-8"});
  const Finding* reason = reason_of(report.files.front().targets.front());
  REQUIRE(reason);
  CHECK(reason->rule == "needed-library");
  CHECK(reason->message.find("pthread_create") == std::string::npos);
}

TEST_CASE("the report does not depend on the executor or the number of threads", "[release]") {
  const std::vector<std::string> paths{fixture("release"), fixture("release/bin/tool"),
                                       fixture("release.tar.gz"), fixture("")};
  const std::vector<std::string> targets{"rhel-8", "debian-12", "alpine-3.22"};
  InlineExecutor inline_executor;
  std::string serial = render_json(report_of(run_pipeline(paths, inline_executor), paths, targets));
  cli::WorkerPool pool(4);
  std::string parallel = render_json(report_of(run_pipeline(paths, pool), paths, targets));
  CHECK(serial == parallel);
  CHECK(serial.find("\"path\": \"" + fixture("release/lib/libnew.so.1")) != std::string::npos);
}
