#include <algorithm>
#include <set>

#include "portcheck/report.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

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

Report report_header(const AnalysedInputs& analysed, const BaselineTable& table,
                     const ReportRequest& request) {
  Report report;
  report.portcheck_version = request.portcheck_version;
  report.table_date = table.table_date;
  report.skipped = analysed.stats.skipped;
  report.excluded = analysed.stats.excluded;
  report.symlink_loops = analysed.stats.symlink_loops;
  for (const Target* target : request.targets) report.selected_targets.push_back(target->id);
  return report;
}

// The targets a release is judged on: a target captured from an image among the inputs judges
// that image's files alone.
std::vector<const Target*> targets_for(const std::string& release,
                                       const std::vector<const Target*>& targets) {
  std::vector<const Target*> kept;
  for (const Target* target : targets) {
    if (target->release_scope.empty() || target->release_scope == release) kept.push_back(target);
  }
  return kept;
}

// The releases an argument makes: itself, or one per platform of a multi-platform image
// ("image.tar[linux/arm64]").
std::vector<std::string> releases_of(
    const std::string& path,
    const std::map<std::string, std::vector<const FileReport*>>& by_release) {
  if (by_release.count(path)) return {path};
  std::vector<std::string> platforms;
  for (auto at = by_release.lower_bound(path + "[");
       at != by_release.end() && at->first.compare(0, path.size() + 1, path + "[") == 0; ++at) {
    if (at->first.back() == ']') platforms.push_back(at->first);
  }
  // In the order of their files (the image's order of platforms), not of their names.
  std::sort(platforms.begin(), platforms.end(), [&](const std::string& a, const std::string& b) {
    return by_release.at(a).front() < by_release.at(b).front();
  });
  return platforms;
}

// Every file in input order; a file's verdicts count the findings of the release libraries it
// loads.
std::vector<FileReport> report_files(const AnalysedInputs& analysed,
                                     const std::map<std::string, ReleaseIndex>& releases,
                                     const BaselineTable& table, const ReportRequest& request) {
  std::vector<FileReport> files;
  files.reserve(analysed.files.size());
  const ReleaseIndex no_release;
  for (size_t i = 0; i < analysed.files.size(); ++i) {
    const auto& slot = analysed.files[i];
    const auto* facts = std::get_if<Facts>(slot.get());
    const ReleaseIndex* release = &no_release;
    if (facts) {
      auto found = releases.find(facts->release);
      if (found != releases.end()) release = &found->second;
    }
    std::vector<const Facts*> loads;
    if (facts) loads = bundled_closure(*facts, *release);
    files.push_back(report_file(*slot, targets_for(analysed.releases[i], request.targets), table,
                                request.gate, loads));
    files.back().release = analysed.releases[i];
    if (request.tree) files.back().tree = dependency_tree(files.back(), *release);
  }
  return files;
}

// A directory or an archive is a release: one verdict per target for the whole of it, in the
// order the paths were named.
std::vector<ReleaseReport> report_releases(const std::vector<FileReport>& files,
                                           const ReportRequest& request) {
  std::map<std::string, std::vector<const FileReport*>> by_release;
  std::map<std::string, bool> is_release;
  for (const auto& file : files) {
    const std::string& release = file.release.empty() ? file.path : file.release;
    by_release[release].push_back(&file);
    is_release[release] = is_release[release] || file.path != release;
  }
  std::vector<ReleaseReport> releases;
  std::set<std::string> summarised;  // a wheel met twice (named, and in a directory) once
  auto summarise = [&](const std::string& path, const std::vector<const FileReport*>& members) {
    if (summarised.insert(path).second) {
      releases.push_back(
          report_release(path, members, targets_for(path, request.targets), request.gate));
    }
  };
  for (const auto& path : request.paths) {
    std::vector<std::string> names = releases_of(path, by_release);
    if (names.empty()) {
      // A directory or archive without a single ELF file: said, not silently passed over.
      summarise(path, {});
      is_release[path] = false;
    }
    for (const auto& name : names) {
      if (!is_release[name]) continue;
      summarise(name, by_release[name]);
      is_release[name] = false;  // a path named twice is summarised once
      for (auto& [wheel, members] : nested_wheels(name, by_release[name])) {
        summarise(wheel, members);
      }
    }
  }
  return releases;
}

}  // namespace

Report build_report(const AnalysedInputs& analysed,
                    const std::map<std::string, ReleaseIndex>& releases, const BaselineTable& table,
                    const ReportRequest& request) {
  Report report = report_header(analysed, table, request);
  report.files = report_files(analysed, releases, table, request);
  report.releases = report_releases(report.files, request);
  report.summary = summarize_run(report.files, report.releases);
  if (auto notice = stale_table_notice(table.table_date, report.files)) {
    report.notices.push_back(*notice);
  }
  report.unused_suppressions =
      unused_suppressions(request.gate.suppressions, report.files, report.releases);
  return report;
}

}  // namespace portcheck
