// Differential test: for the ELF files of this machine (/usr/bin, /usr/lib), what portcheck reads
// must equal what binutils readelf reports — interpreter, NEEDED, RPATH/RUNPATH, SONAME, every
// version need per library, and the version each imported symbol is bound to.
//
// Corpus mode ([.corpus], hidden; scripts/corpus.sh and tests/corpus/README.md): the same
// comparison over every ELF file below the directories of PORTCHECK_CORPUS_DIRS, through the
// portcheck binary's JSON report; a file readelf reads without a warning must not be an error.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "test_support.hpp"

namespace portcheck::test {
namespace {

struct ReadelfView {
  std::optional<std::string> interpreter;
  std::vector<std::string> needed, rpath, runpath;
  std::optional<std::string> soname;
  std::vector<std::pair<std::string, std::vector<std::string>>> version_needs;
  std::set<std::string> imports;  // "name@VERSION"
};

std::string bracketed(const std::string& line) {
  auto open = line.find('['), close = line.rfind(']');
  return line.substr(open + 1, close - open - 1);
}

std::vector<std::string> split_colon(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ':')) parts.push_back(part);
  if (!text.empty() && text.back() == ':') parts.push_back("");
  return parts;
}

void parse_dynamic_line(const std::string& line, ReadelfView& view) {
  if (line.find("(NEEDED)") != std::string::npos) view.needed.push_back(bracketed(line));
  if (line.find("(SONAME)") != std::string::npos) view.soname = bracketed(line);
  if (line.find("(RPATH)") != std::string::npos) view.rpath = split_colon(bracketed(line));
  if (line.find("(RUNPATH)") != std::string::npos) view.runpath = split_colon(bracketed(line));
}

void parse_symbol_line(const std::string& line, ReadelfView& view) {
  static const std::regex symbol(
      R"(^\s*\d+:\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\S+)\s+([^@\s]+)@([^@\s]+)( \(\d+\))?)");
  std::smatch match;
  // Undefined symbols, and defined ones bound to a needed version, which readelf marks with the
  // need's index: data objects copied in by a copy relocation (stdout@GLIBC_2.2.5 (2)).
  if (std::regex_search(line, match, symbol) && (match[1] == "UND" || match[4].matched)) {
    view.imports.insert(match[2].str() + "@" + match[3].str());
  }
}

ReadelfView parse_readelf(const std::string& out) {
  ReadelfView view;
  std::stringstream stream(out);
  std::string line;
  static const std::regex need_file(R"(Version: \d+\s+File: (\S+)\s+Cnt:)");
  static const std::regex need_name(R"(Name: (\S+)\s+Flags:)");
  bool in_needs = false;
  std::smatch match;
  while (std::getline(stream, line)) {
    if (line.find("[Requesting program interpreter: ") != std::string::npos) {
      view.interpreter = line.substr(line.find(": ") + 2, line.rfind(']') - line.find(": ") - 2);
    }
    parse_dynamic_line(line, view);
    if (line.rfind("Version needs section", 0) == 0) in_needs = true;
    if (line.rfind("Version definition section", 0) == 0 || line.rfind("Symbol table", 0) == 0) {
      in_needs = false;
    }
    if (in_needs && std::regex_search(line, match, need_file)) {
      view.version_needs.push_back({match[1].str(), {}});
    } else if (in_needs && std::regex_search(line, match, need_name) &&
               !view.version_needs.empty()) {
      view.version_needs.back().second.push_back(match[1].str());
    }
    // Only a line with a version can be a versioned symbol; the regex is slow on the others.
    if (line.find('@') != std::string::npos) parse_symbol_line(line, view);
  }
  return view;
}

std::string readelf_command(const std::string& path) {
  return std::string(PORTCHECK_READELF) + " -W -l -d -V --dyn-syms " + shell_quote(path);
}

ReadelfView run_readelf(const std::string& path) {
  return parse_readelf(run_command(readelf_command(path) + " 2>/dev/null").out);
}

bool is_elf(const std::string& path) {
  std::string head = read_text(path).substr(0, 4);
  return head ==
         "\x7f"
         "ELF";
}

void collect(const std::string& dir, int depth, std::vector<std::string>& out) {
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name == "." || name == ".." || name == "debug") continue;
    std::string path = dir + "/" + name;
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) continue;
    if (S_ISDIR(info.st_mode) && depth > 0) collect(path, depth - 1, out);
    // Small files only keep the run short; the parsing paths are the same at any size.
    if (S_ISREG(info.st_mode) && info.st_size < (8 << 20) && is_elf(path)) out.push_back(path);
  }
  ::closedir(handle);
  std::sort(out.begin(), out.end());
}

void compare(const std::string& path) {
  INFO(path);
  Result<ElfFacts> loaded = load_file(path);
  const auto* error = std::get_if<FileError>(&loaded);
  REQUIRE_FALSE(error != nullptr);
  const ElfFacts& ours = std::get<ElfFacts>(loaded);
  ReadelfView theirs = run_readelf(path);
  CHECK(ours.interpreter == theirs.interpreter);
  CHECK(ours.needed == theirs.needed);
  CHECK(ours.soname == theirs.soname);
  CHECK(ours.rpath == theirs.rpath);
  CHECK(ours.runpath == theirs.runpath);
  std::vector<std::pair<std::string, std::vector<std::string>>> our_needs;
  for (const auto& library : ours.version_needs) {
    std::vector<std::string> names;
    for (const auto& need : library.versions) names.push_back(need.name);
    our_needs.push_back({library.library, names});
  }
  CHECK(our_needs == theirs.version_needs);
  std::set<std::string> our_imports;
  for (const auto& symbol : ours.imports) our_imports.insert(symbol.name + "@" + symbol.version);
  CHECK(our_imports == theirs.imports);
}

}  // namespace

TEST_CASE("facts of the machine's own ELF files equal readelf's", "[differential]") {
  std::vector<std::string> files;
  collect("/usr/bin", 0, files);
  collect("/usr/lib/x86_64-linux-gnu", 1, files);
  REQUIRE(files.size() > 100);
  for (const auto& path : files) compare(path);
}

// ---- Corpus mode -------------------------------------------------------------------------------

namespace {

constexpr off_t kCorpusMaxSize = 200 << 20;  // larger files are left out (none in the corpus)
constexpr size_t kCorpusBatch = 500;         // paths per portcheck run

struct CorpusFile {
  std::string path;
  size_t root = 0;  // index into the corpus directories
};

bool has_elf_magic(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  char head[4] = {};
  return file.read(head, 4) && std::string(head, 4) ==
                                   "\x7f"
                                   "ELF";
}

// Every regular file with the ELF magic below `dir`; symlinks are not followed (their targets are
// in the tree or outside the corpus). Sorted, so runs and reports are in the same order.
void walk_corpus(const std::string& dir, size_t root, std::vector<CorpusFile>& out, size_t& big) {
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return;
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    std::string path = dir + "/" + name;
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) continue;
    if (S_ISDIR(info.st_mode)) walk_corpus(path, root, out, big);
    if (!S_ISREG(info.st_mode) || !has_elf_magic(path)) continue;
    if (info.st_size > kCorpusMaxSize) {
      ++big;
      continue;
    }
    out.push_back({path, root});
  }
}

// What portcheck's JSON report says of one file, in readelf's terms.
struct OurEntry {
  bool error = false;
  std::string error_text, error_kind;
  ReadelfView facts;
  std::vector<std::string> notes;  // the loader's notes on tolerated inconsistencies, as given
};

std::vector<std::string> strings_of(const nlohmann::ordered_json& array) {
  std::vector<std::string> out;
  if (array.is_array()) {
    for (const auto& item : array) out.push_back(item.is_string() ? item.get<std::string>() : "");
  }
  return out;
}

std::optional<std::string> optional_of(const nlohmann::ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  return std::nullopt;
}

// The loader's notes of a file: an array of strings or of objects with a kind. The key is
// `file_notes` (or `notes`, should that become an array); absent today means none.
std::vector<std::string> notes_of(const nlohmann::ordered_json& file) {
  std::vector<std::string> out;
  for (const char* key : {"file_notes", "load_notes", "notes"}) {
    auto found = file.find(key);
    if (found == file.end() || !found->is_array()) continue;
    for (const auto& note : *found) {
      if (note.is_string()) {
        out.push_back(note.get<std::string>());
      } else if (note.is_object()) {
        std::string kind = note.value("kind", note.value("id", std::string("note")));
        out.push_back(kind + ": " + note.value("detail", note.value("message", std::string())));
      }
    }
  }
  return out;
}

OurEntry entry_of(const nlohmann::ordered_json& file) {
  OurEntry entry;
  if (file.value("status", "") == "error" || file.contains("error")) {
    entry.error = true;
    const auto& error = file["error"];
    entry.error_text = error.is_string() ? error.get<std::string>() : error.dump();
    entry.error_kind = file.value("error_kind", "");
    return entry;
  }
  const auto& elf = file["elf"];
  entry.facts.interpreter = optional_of(elf["interpreter"]);
  entry.facts.needed = strings_of(elf["needed"]);
  entry.facts.rpath = strings_of(elf["rpath"]);
  entry.facts.runpath = strings_of(elf["runpath"]);
  entry.facts.soname = optional_of(elf["soname"]);
  const auto& requirements = file["requirements"];
  for (const auto& [library, versions] : requirements["versions"].items()) {
    entry.facts.version_needs.push_back({library, strings_of(versions)});
  }
  for (const auto& culprit : requirements["culprits"]) {
    entry.facts.imports.insert(culprit.value("symbol", "") + "@" + culprit.value("version", ""));
  }
  entry.notes = notes_of(file);
  return entry;
}

// Runs portcheck on `paths` and adds what it reports to `out`; when it did not produce a report
// (a crash, a usage error), says why.
std::string run_portcheck(const std::vector<std::string>& paths, const std::string& report,
                          std::map<std::string, OurEntry>& out) {
  // PORTCHECK_CORPUS_BINARY: another portcheck build (a release, an older commit) to check.
  const char* binary = std::getenv("PORTCHECK_CORPUS_BINARY");
  std::string command = std::string(binary && *binary ? binary : PORTCHECK_BINARY) +
                        " --format json --no-config -t debian-13 -o " + shell_quote(report);
  for (const auto& path : paths) command += " " + shell_quote(path);
  auto result = run_command(command + " 2>/dev/null");
  if (result.exit_code != 0 && result.exit_code != 1 && result.exit_code != 3) {
    return "portcheck exit code " + std::to_string(result.exit_code);
  }
  auto json = nlohmann::ordered_json::parse(read_text(report), nullptr, false);
  if (json.is_discarded() || !json.contains("files")) return "no JSON report";
  for (const auto& file : json["files"]) out[file.value("path", "")] = entry_of(file);
  return "";
}

struct TheirEntry {
  ReadelfView facts;
  std::string warnings;  // readelf's stderr, and a nonzero exit
};

// readelf -V warns about an empty version section at address 0 (Go's internal linker writes
// them, no dynamic entry points to them); the file is healthy, so the warning must not excuse an
// error on it (it excused "disagree on the symbol versions" for age-keygen before).
std::string without_harmless(const std::string& warnings) {
  static const std::string harmless =
      "readelf: Warning: Virtual address 0 not located in any PT_LOAD segment.";
  std::stringstream in(warnings);
  std::string line, kept;
  while (std::getline(in, line)) {
    if (line != harmless) kept += line + "\n";
  }
  return kept;
}

// readelf, one process per file, on every core.
std::vector<TheirEntry> run_readelf_all(const std::vector<CorpusFile>& files) {
  std::vector<TheirEntry> out(files.size());
  std::atomic<size_t> next{0};
  unsigned workers = std::max(2u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned worker = 0; worker < workers; ++worker) {
    threads.emplace_back([&, worker] {
      std::string err = "/tmp/portcheck-corpus-readelf." + std::to_string(::getpid()) + "." +
                        std::to_string(worker);
      for (size_t index; (index = next++) < files.size();) {
        auto result = run_command(readelf_command(files[index].path) + " 2>" + shell_quote(err));
        out[index].facts = parse_readelf(result.out);
        out[index].warnings = without_harmless(read_text(err));
        if (result.exit_code != 0) {
          out[index].warnings += "readelf exit code " + std::to_string(result.exit_code) + "\n";
        }
      }
      ::unlink(err.c_str());
    });
  }
  for (auto& thread : threads) thread.join();
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text = "[";
  for (const auto& item : items) text += (text.size() > 1 ? " " : "") + item;
  return text + "]";
}

std::string shown(const std::optional<std::string>& value) { return value ? *value : "(none)"; }

std::string needs_text(const std::vector<std::pair<std::string, std::vector<std::string>>>& needs) {
  std::string text;
  for (const auto& [library, names] : needs) text += library + ":" + joined(names) + " ";
  return text;
}

std::string difference(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::vector<std::string> only;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only));
  if (only.size() > 6) {
    only.resize(6);
    only.push_back("...");
  }
  return joined(only);
}

// The fields on which portcheck and readelf disagree, each with both values; empty when none.
std::vector<std::pair<std::string, std::string>> mismatches(const ReadelfView& ours,
                                                            const ReadelfView& theirs) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* field, const std::string& a, const std::string& b) {
    out.push_back({field, std::string("portcheck ") + a + ", readelf " + b});
  };
  if (ours.interpreter != theirs.interpreter)
    add("interpreter", shown(ours.interpreter), shown(theirs.interpreter));
  if (ours.needed != theirs.needed) add("needed", joined(ours.needed), joined(theirs.needed));
  if (ours.soname != theirs.soname) add("soname", shown(ours.soname), shown(theirs.soname));
  if (ours.rpath != theirs.rpath) add("rpath", joined(ours.rpath), joined(theirs.rpath));
  if (ours.runpath != theirs.runpath) add("runpath", joined(ours.runpath), joined(theirs.runpath));
  if (ours.version_needs != theirs.version_needs)
    add("version needs", needs_text(ours.version_needs), needs_text(theirs.version_needs));
  if (ours.imports != theirs.imports) {
    out.push_back({"imports", "only portcheck " + difference(ours.imports, theirs.imports) +
                                  ", only readelf " + difference(theirs.imports, ours.imports)});
  }
  return out;
}

// A message with its numbers taken out, so that one kind of problem is one group.
std::string message_group(const std::string& message) {
  static const std::regex numbers(R"(0x[0-9a-fA-F]+|\d+)");
  return std::regex_replace(message, numbers, "N");
}

struct Offender {
  std::string path, what;
};

struct Group {
  size_t count = 0;
  std::vector<Offender> examples;
};

void add_to(std::map<std::string, Group>& groups, const std::string& key, Offender offender) {
  auto& group = groups[key];
  ++group.count;
  group.examples.push_back(std::move(offender));
}

// Each group with its first `limit` offenders (all with 0).
void print_groups(std::ostream& out, const char* title, const std::map<std::string, Group>& groups,
                  size_t limit) {
  size_t total = 0;
  for (const auto& [key, group] : groups) total += group.count;
  out << title << ": " << total << "\n";
  std::vector<std::pair<std::string, Group>> sorted(groups.begin(), groups.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
  for (const auto& [key, group] : sorted) {
    out << "  " << group.count << " x " << key << "\n";
    for (size_t i = 0; i < group.examples.size() && (limit == 0 || i < limit); ++i) {
      const auto& example = group.examples[i];
      out << "      " << example.path << "\n";
      if (!example.what.empty()) out << "        " << example.what << "\n";
    }
  }
}

struct RootFigures {
  size_t files = 0, errors = 0, false_errors = 0, warned = 0, warned_errors = 0, noted = 0,
         notes = 0, disagreements = 0, missing = 0;
};

std::vector<std::string> corpus_dirs() {
  const char* value = std::getenv("PORTCHECK_CORPUS_DIRS");
  return split_colon(value ? value : "");
}

}  // namespace

TEST_CASE("facts of a corpus of real ELF files equal readelf's", "[.corpus]") {
  std::vector<std::string> roots;
  for (const auto& dir : corpus_dirs()) {
    if (!dir.empty()) roots.push_back(dir);
  }
  if (roots.empty()) {
    std::cout << "PORTCHECK_CORPUS_DIRS is not set: corpus test skipped (see scripts/corpus.sh)\n";
    WARN("PORTCHECK_CORPUS_DIRS is not set: corpus test skipped");
    return;
  }
  std::vector<CorpusFile> files;
  size_t big = 0;
  for (size_t root = 0; root < roots.size(); ++root) {
    struct stat info {};
    INFO(roots[root]);
    REQUIRE((::stat(roots[root].c_str(), &info) == 0 && S_ISDIR(info.st_mode)));
    walk_corpus(roots[root], root, files, big);
  }
  REQUIRE(files.size() > 100);

  // portcheck over the whole corpus, in batches; a batch without a report is run file by file,
  // so that the file that breaks the run is named.
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - since).count();
  };
  auto started = Clock::now();
  std::map<std::string, OurEntry> ours;
  std::map<std::string, std::string> no_report;  // path -> why portcheck gave no report
  std::string report = "/tmp/portcheck-corpus-" + std::to_string(::getpid()) + ".json";
  for (size_t start = 0; start < files.size(); start += kCorpusBatch) {
    std::vector<std::string> batch;
    for (size_t i = start; i < std::min(files.size(), start + kCorpusBatch); ++i) {
      batch.push_back(files[i].path);
    }
    if (run_portcheck(batch, report, ours).empty()) continue;
    for (const auto& path : batch) {
      std::string why = run_portcheck({path}, report, ours);
      if (!why.empty()) no_report[path] = why;
    }
  }
  ::unlink(report.c_str());
  auto portcheck_seconds = seconds_since(started);
  started = Clock::now();
  std::vector<TheirEntry> theirs = run_readelf_all(files);
  auto readelf_seconds = seconds_since(started);

  std::vector<RootFigures> figures(roots.size());
  std::map<std::string, Group> false_errors, allowed_errors, disagreements, warned_disagreements,
      missing, notes;
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& file = files[i];
    auto& figure = figures[file.root];
    ++figure.files;
    bool warned = !theirs[i].warnings.empty();
    std::string first_warning = theirs[i].warnings.substr(0, theirs[i].warnings.find('\n'));
    if (warned) ++figure.warned;
    auto found = ours.find(file.path);
    if (found == ours.end()) {
      ++figure.missing;
      auto why = no_report.find(file.path);
      add_to(missing, why != no_report.end() ? why->second : "no entry in the report",
             {file.path, ""});
      continue;
    }
    const OurEntry& entry = found->second;
    if (entry.error) {
      ++figure.errors;
      if (warned) {
        ++figure.warned_errors;
        add_to(allowed_errors, message_group(entry.error_text), {file.path, first_warning});
      } else {
        ++figure.false_errors;
        add_to(false_errors, message_group(entry.error_text), {file.path, entry.error_text});
      }
      continue;
    }
    if (!entry.notes.empty()) ++figure.noted;
    figure.notes += entry.notes.size();
    for (const auto& note : entry.notes) add_to(notes, message_group(note), {file.path, note});
    auto differences = mismatches(entry.facts, theirs[i].facts);
    if (differences.empty()) continue;
    ++figure.disagreements;
    std::string fields, what;
    for (const auto& [field, values] : differences) {
      fields += (fields.empty() ? "" : ", ") + field;
      what += (what.empty() ? "" : "; ") + field + ": " + values;
    }
    if (what.size() > 400) what = what.substr(0, 400) + "...";
    add_to(warned ? warned_disagreements : disagreements, fields, {file.path, what});
  }

  std::ostringstream out;
  out << "corpus: " << files.size() << " ELF files in " << roots.size() << " directories";
  if (big) out << " (" << big << " larger than 200 MB left out)";
  out << "; portcheck took " << portcheck_seconds << " s, readelf " << readelf_seconds << " s\n";
  RootFigures total;
  for (size_t root = 0; root < roots.size(); ++root) {
    const auto& f = figures[root];
    out << "  " << roots[root] << ": " << f.files << " ELF files, " << f.errors
        << " portcheck errors (" << f.false_errors << " false, " << f.warned_errors
        << " on files readelf warns about), " << f.warned << " readelf warnings, " << f.noted
        << " files with " << f.notes << " notes, " << f.disagreements << " disagreements, "
        << f.missing << " missing\n";
    total.files += f.files;
    total.false_errors += f.false_errors;
    total.disagreements += f.disagreements;
    total.missing += f.missing;
  }
  auto groups = [&](std::ostream& to, size_t limit) {
    print_groups(to, "false errors (readelf reads the file without a warning), by message",
                 false_errors, limit);
    print_groups(to, "errors on files readelf warns about (allowed), by message", allowed_errors,
                 limit);
    print_groups(to, "disagreements on facts, by field", disagreements, limit);
    print_groups(to, "disagreements on files readelf warns about, by field", warned_disagreements,
                 limit);
    print_groups(to, "files missing from portcheck's report", missing, limit);
    print_groups(to, "loader notes, by message", notes, limit);
  };
  // The first three offenders of each group here, every offender in the report file.
  std::cout << out.str();
  groups(std::cout, 3);
  std::cout << std::flush;
  if (const char* path = std::getenv("PORTCHECK_CORPUS_REPORT")) {
    std::ofstream report_file(path);
    report_file << out.str();
    groups(report_file, 0);
  }

  CHECK(total.false_errors == 0);
  CHECK(total.disagreements == 0);
  CHECK(warned_disagreements.empty());
  CHECK(total.missing == 0);
}

}  // namespace portcheck::test
