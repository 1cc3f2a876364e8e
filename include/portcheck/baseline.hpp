// The table of target systems (distributions and packaging policies) rules are scored against.
// Loaded once from the bundled data/baselines.json (or --baselines FILE) and passed by const
// reference; every fact keeps the source it came from.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace portcheck {

struct LibraryOffer {
  std::string soname;
  std::string package;
  std::string source;
};

struct AbsentLibrary {
  std::string soname;
  std::string source;
  std::string note;
};

// Highest version of each family (GLIBC, GLIBCXX, CXXABI, GCC) the target provides on one
// architecture, as numbers.
using FamilyMaxima = std::map<std::string, std::vector<int>>;

struct Target {
  std::string id, name, family, kind;         // kind: "distro" or "policy"
  std::string released;                       // ISO date
  std::optional<std::string> end_of_support;  // none for rolling releases
  std::string dates_source;
  std::vector<std::string> architectures;  // x86_64, i686, aarch64, armv7l, ...
  std::string libc_flavour, libc_version, libc_source;
  std::map<std::string, FamilyMaxima> symbol_versions;  // architecture -> maxima
  std::string symbol_versions_source;
  std::string kernel, kernel_source;
  std::string x86_64_isa, x86_64_isa_source;  // "x86-64", "x86-64-v2", "x86-64-v3"
  std::vector<std::string> openssl_default;
  std::vector<LibraryOffer> openssl_installable;
  std::string openssl_source;
  std::vector<std::string> ca_files, ca_dirs;
  std::string ca_source;
  std::map<std::string, std::string> interpreters;  // architecture -> path
  std::string interpreters_source;
  std::vector<std::string> default_libraries;
  std::string default_libraries_source;
  std::vector<LibraryOffer> installable;
  std::vector<AbsentLibrary> absent;
  bool whitelist_only = false;  // policies: what is not listed is not allowed
  std::string notes;
};

// A release line of a library and the day its upstream support ends (OpenSSL 1.1.1, 3.0, ...).
struct SupportLine {
  std::vector<int> line;  // {1, 1, 1}, {3, 0}
  std::string end_of_support;
  std::string source;
};

struct BaselineTable {
  std::string table_date;  // ISO date the facts were checked; "supported" is judged on it
  std::vector<Target> targets;
  std::vector<SupportLine> openssl_lines;
};

struct TableResult {
  std::optional<BaselineTable> table;
  std::string error;     // one line, when table is empty
  bool replace = false;  // the file asks to replace the bundled table, not extend it
};

// The table compiled into portcheck, and the date its facts were checked.
TableResult bundled_baselines();
const char* bundled_table_date();
// A table from JSON text; `extend` adds its targets to (or replaces same-id targets of) `base`.
TableResult parse_baselines(const std::string& json_text, const std::string& origin);
// The table in the file at `path` (--baselines), read within the bounds of json_file.hpp.
TableResult read_baselines_file(const std::string& path);
BaselineTable merge_baselines(BaselineTable base, const BaselineTable& extension);
// Problems that make a table unfit: duplicate ids, missing facts or sources, bad versions.
std::vector<std::string> check_baselines(const BaselineTable& table);

const Target* find_target(const BaselineTable& table, const std::string& id);
bool is_supported(const Target& target, const std::string& on_date);

// Architecture names differ between ELF (i386, arm) and distributions (i686, armv7l).
std::string distro_architecture(const std::string& elf_machine);

}  // namespace portcheck
