// Release-to-release diffs, for the CI step "did this change make us less portable?". Both sides
// are reduced to portcheck's JSON report (a saved one is read as is), so a live build can be
// compared with last release's saved report. Files are paired by their path inside the release.
#include "diff_command.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "output.hpp"
#include "parse_error.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"
#include "portcheck/symbol_version.hpp"
#include "run.hpp"
#include "saved_report.hpp"

namespace portcheck::cli {
namespace {

using Json = nlohmann::json;

struct Side {
  std::optional<Json> report;
  int exit_code = 0;
};

// A saved report is used as it is, once its shape is checked; anything else is analysed.
Side load_side(const std::string& path, const RunPlan& base) {
  SavedReport saved = read_saved_report(path);
  if (!saved.error.empty()) {
    std::cerr << "portcheck: " << escape_text(saved.error) << "\n";
    return {std::nullopt, exit_usage};
  }
  if (saved.is_report) return {std::move(saved.report), 0};
  RunPlan plan = base;
  plan.paths = {path};
  Reported reported = report_for(plan);
  if (!reported.report) return {std::nullopt, reported.exit_code};
  return {Json::parse(render_json(*reported.report)), 0};
}

// The path inside its release, so dist-1.0/bin/tool pairs with dist-1.1/bin/tool, and a
// directory with the same tree packed as an archive.
std::string key_of(const Json& file) {
  std::string path = file.value("path", "");
  std::string release = file.value("release", "");
  if (release.empty() || path.size() <= release.size() || path.rfind(release, 0) != 0) {
    return "";  // a file named alone pairs with the other side's file named alone
  }
  std::string key = path.substr(release.size());
  while (!key.empty() && (key[0] == '!' || key[0] == '/')) key.erase(0, 1);
  return key;
}

// Archives usually wrap the tree in one versioned directory (dist-1.0/...): drop it when every
// file of the side shares it.
void strip_common_top(std::map<std::string, const Json*>& files) {
  std::string top;
  for (const auto& [key, file] : files) {
    auto slash = key.find('/');
    if (slash == std::string::npos) return;
    if (top.empty()) top = key.substr(0, slash + 1);
    if (key.rfind(top, 0) != 0) return;
  }
  std::map<std::string, const Json*> stripped;
  for (const auto& [key, file] : files) stripped.emplace(key.substr(top.size()), file);
  files.swap(stripped);
}

struct Change {
  std::string old_path, new_path;
  std::vector<std::string> raised;  // "GLIBC 2.17 -> 2.34 because of ..."
  std::vector<std::string> added, removed, lost, gained;
};

std::vector<std::string> culprits_above(const Json& file, const std::string& family,
                                        const std::vector<int>& old_max) {
  std::vector<std::string> names;
  for (const auto& c : file["requirements"]["culprits"]) {
    SymbolVersion version = parse_symbol_version(c.value("version", ""));
    if (version.family == family && compare_numbers(version.numbers, old_max) > 0) {
      names.push_back(c.value("symbol", "") + "@" + version.name);
    }
  }
  return names;
}

std::string listed(const std::vector<std::string>& items, size_t shown = 5) {
  std::string text;
  for (size_t i = 0; i < items.size() && i < shown; ++i) text += (i ? ", " : "") + items[i];
  if (items.size() > shown) text += fmt::format(" and {} more", items.size() - shown);
  return text;
}

void compare_requirements(const Json& old_file, const Json& new_file, Change& change) {
  const Json& old_max = old_file["requirements"]["max"];
  for (const auto& [family, value] : new_file["requirements"]["max"].items()) {
    auto now = parse_dotted(value.get<std::string>()).value_or(std::vector<int>{});
    std::vector<int> before;
    if (old_max.contains(family)) before = parse_dotted(old_max[family]).value_or(before);
    if (compare_numbers(now, before) <= 0) continue;
    std::string from = before.empty() ? "none" : old_max[family].get<std::string>();
    change.raised.push_back(fmt::format("{} {} -> {} because of {}", family, from,
                                        value.get<std::string>(),
                                        listed(culprits_above(new_file, family, before))));
  }
}

void compare_needed(const Json& old_file, const Json& new_file, Change& change) {
  std::set<std::string> before, now;
  for (const auto& n : old_file["elf"]["needed"]) before.insert(n.get<std::string>());
  for (const auto& n : new_file["elf"]["needed"]) now.insert(n.get<std::string>());
  for (const auto& n : now)
    if (!before.count(n)) change.added.push_back(n);
  for (const auto& n : before)
    if (!now.count(n)) change.removed.push_back(n);
}

void compare_targets(const Json& old_file, const Json& new_file, Change& change) {
  std::map<std::string, std::string> before;
  for (const auto& t : old_file["targets"]) before[t.value("id", "")] = t.value("verdict", "");
  for (const auto& t : new_file["targets"]) {
    auto found = before.find(t.value("id", ""));
    if (found == before.end()) continue;
    bool failed_before = found->second == "fail", fails_now = t.value("verdict", "") == "fail";
    if (fails_now && !failed_before) change.lost.push_back(found->first);
    if (failed_before && !fails_now) change.gained.push_back(found->first);
  }
}

Change compare_files(const Json& old_file, const Json& new_file) {
  Change change{old_file.value("path", ""), new_file.value("path", ""), {}, {}, {}, {}, {}};
  if (old_file.value("status", "") == "error" || new_file.value("status", "") == "error") {
    return change;
  }
  compare_requirements(old_file, new_file, change);
  compare_needed(old_file, new_file, change);
  compare_targets(old_file, new_file, change);
  return change;
}

std::map<std::string, const Json*> by_key(const Json& report) {
  std::map<std::string, const Json*> files;
  for (const auto& file : report["files"]) files.emplace(key_of(file), &file);
  if (files.size() > 1) strip_common_top(files);
  return files;
}

struct Diff {
  std::vector<Change> changes;
  std::vector<std::string> only_old, only_new;
  bool lost = false, errors = false;
};

std::string base_name(const std::string& key) { return key.substr(key.find_last_of("/!") + 1); }

// Files whose paths differ only above their own directory (a versioned top directory on one
// side) still pair when their base name is unique on both sides.
void pair_by_base_name(std::map<std::string, const Json*>& old_files,
                       std::map<std::string, const Json*>& new_files) {
  std::map<std::string, int> old_count, new_count;
  for (const auto& [key, file] : old_files) ++old_count[base_name(key)];
  for (const auto& [key, file] : new_files) ++new_count[base_name(key)];
  std::map<std::string, const Json*> renamed;
  for (auto it = old_files.begin(); it != old_files.end();) {
    std::string name = base_name(it->first);
    if (!new_files.count(it->first) && old_count[name] == 1 && new_count[name] == 1) {
      for (const auto& [key, file] : new_files) {
        if (base_name(key) == name && !old_files.count(key)) renamed.emplace(key, it->second);
      }
      it = old_files.erase(it);
    } else {
      ++it;
    }
  }
  old_files.insert(renamed.begin(), renamed.end());
}

Diff compare(const Json& old_report, const Json& new_report) {
  Diff diff;
  auto old_files = by_key(old_report), new_files = by_key(new_report);
  pair_by_base_name(old_files, new_files);
  for (const auto& [key, file] : new_files) {
    diff.errors |= file->value("status", "") == "error";
    auto match = old_files.find(key);
    if (match == old_files.end()) {
      diff.only_new.push_back(file->value("path", ""));
      continue;
    }
    diff.errors |= match->second->value("status", "") == "error";
    diff.changes.push_back(compare_files(*match->second, *file));
    diff.lost |= !diff.changes.back().lost.empty();
  }
  for (const auto& [key, file] : old_files) {
    if (new_files.count(key)) continue;
    diff.errors |= file->value("status", "") == "error";
    diff.only_old.push_back(file->value("path", ""));
  }
  return diff;
}

// A string of a report as the text output shows it: the report's JSON form of the bytes
// (docs/json.md, "Strings") decoded, then escaped for a terminal, whoever wrote the report.
std::string shown(const std::string& from_report) {
  return escape_text(unescape_json(from_report));
}

std::string render_diff_text(const Diff& diff) {
  std::string out;
  for (const auto& c : diff.changes) {
    bool changed = !c.raised.empty() || !c.added.empty() || !c.removed.empty() || !c.lost.empty() ||
                   !c.gained.empty();
    out += fmt::format("{} -> {}{}\n", shown(c.old_path), shown(c.new_path),
                       changed ? ":" : ": no change");
    for (const auto& r : c.raised) out += "  needs more: " + shown(r) + "\n";
    if (!c.added.empty()) out += "  libraries added: " + shown(listed(c.added, 99)) + "\n";
    if (!c.removed.empty()) out += "  libraries removed: " + shown(listed(c.removed, 99)) + "\n";
    if (!c.lost.empty()) out += "  targets lost: " + shown(listed(c.lost, 99)) + "\n";
    if (!c.gained.empty()) out += "  targets gained: " + shown(listed(c.gained, 99)) + "\n";
  }
  for (const auto& p : diff.only_old) out += "only in the old release: " + shown(p) + "\n";
  for (const auto& p : diff.only_new) out += "only in the new release: " + shown(p) + "\n";
  return out;
}

std::string render_diff_json(const Diff& diff) {
  Json files = Json::array();
  for (const auto& c : diff.changes) {
    files.push_back({{"old", c.old_path},
                     {"new", c.new_path},
                     {"raised", c.raised},
                     {"needed_added", c.added},
                     {"needed_removed", c.removed},
                     {"targets_lost", c.lost},
                     {"targets_gained", c.gained}});
  }
  Json out{{"schema_version", 1},
           {"files", files},
           {"only_old", diff.only_old},
           {"only_new", diff.only_new},
           {"targets_lost", diff.lost}};
  // The strings are the reports' own, already in their JSON form.
  return json_for_log(out.dump(2, ' ', false, Json::error_handler_t::replace)) + "\n";
}

}  // namespace

int run_diff_command(int argc, char** argv) {
  CLI::App app{
      "portcheck diff: what got less portable between OLD and NEW (files, releases or "
      "saved JSON reports); exit 1 when a target that passed now fails",
      "portcheck diff"};
  RunPlan plan;
  std::string old_path, new_path, format = "text";
  app.add_option("old", old_path, "the earlier build, release or JSON report")->required();
  app.add_option("new", new_path, "the later one")->required();
  app.add_option("-t,--target", plan.target_specs, "targets, as for portcheck")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--baselines", plan.baselines_file, "extra or replacement target table");
  app.add_option("--format", format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return exit_after_parse_error(app, e);
  }
  Side before = load_side(old_path, plan), after = load_side(new_path, plan);
  if (!before.report) return before.exit_code;
  if (!after.report) return after.exit_code;
  Diff diff = compare(*before.report, *after.report);
  int written = write_or_say(std::nullopt,
                             format == "json" ? render_diff_json(diff) : render_diff_text(diff));
  if (written != exit_ok) return written;
  if (diff.errors) return exit_input_error;
  return diff.lost ? exit_violations : exit_ok;
}

}  // namespace portcheck::cli
