// Differential test: for the ELF files of this machine (/usr/bin, /usr/lib), what portcheck reads
// must equal what binutils readelf reports — interpreter, NEEDED, RPATH/RUNPATH, SONAME, every
// version need per library, and the version each imported symbol is bound to.
#include <dirent.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <sstream>

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
      R"(^\s*\d+:\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+UND\s+([^@\s]+)@([^\s]+))");
  std::smatch match;
  if (std::regex_search(line, match, symbol))
    view.imports.insert(match[1].str() + "@" + match[2].str());
}

ReadelfView run_readelf(const std::string& path) {
  auto result = run_command(std::string(PORTCHECK_READELF) + " -W -l -d -V --dyn-syms " +
                            shell_quote(path) + " 2>/dev/null");
  ReadelfView view;
  std::stringstream stream(result.out);
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
    parse_symbol_line(line, view);
  }
  return view;
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

}  // namespace portcheck::test
