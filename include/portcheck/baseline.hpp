// The table of target systems (distributions and packaging policies) rules are scored against.
// Loaded once from the bundled data/baselines.json (or --baselines FILE) and passed by const
// reference; every fact keeps the source it came from.
#pragma once

#include <map>
#include <memory>
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

// What the table knows of one shared library of a target: the package that ships it and the
// version definitions (.gnu.version_d, without the base entry) it exports, in file order.
struct LibraryDetail {
  std::string package;                // "" when not known
  std::vector<std::string> versions;  // empty: the library defines no versions
  // Set only for a set derived from the upstream version instead of read from the file: the
  // versions known to be missing. Then a version in neither list is unknown, not missing.
  std::optional<std::vector<std::string>> lacks;
  std::string source;  // "" for the group's `details_source`
};

// How the target's list of libraries was made, and whether a library missing from it is
// missing from the system: "complete" and "package-list" inventories say so, "partial" not.
struct Inventory {
  std::string coverage;  // "complete", "package-list", "partial"
  std::string image;     // the container image it stands for ("debian:12"), "" when none
  std::string method;
  std::string source;
  // A captured image, or every package of one mapped to sonames: a library not listed is not
  // in the image.
  bool lists_every_library() const { return coverage == "complete" || coverage == "package-list"; }
};

// Every library a release's official archive offers, as sorted "soname package" lines: the
// bundled indexes hold thousands of entries, and a sorted text needs no parsing at start.
class ArchiveIndex {
 public:
  ArchiveIndex() = default;
  // `lines` must be sorted by soname, one "soname package" per line; nullopt-free: lines that
  // are not of that shape are skipped.
  explicit ArchiveIndex(std::string lines);
  static ArchiveIndex from_map(const std::map<std::string, std::string>& packages);
  std::optional<std::string> package_of(const std::string& soname) const;
  std::map<std::string, std::string> entries() const;
  size_t size() const { return starts_.size(); }
  bool empty() const { return starts_.empty(); }

 private:
  std::string text_;
  std::vector<size_t> starts_;  // offset of each well-formed line
};

// An archive's libraries and where the list comes from: a bundled index (data/archive/<name>.txt)
// or entries written out in the table (name "").
struct ArchiveRef {
  std::shared_ptr<const ArchiveIndex> index;  // null: the table has none
  std::string name;
  std::string source;
  explicit operator bool() const { return index != nullptr; }
  const ArchiveIndex* operator->() const { return index.get(); }
};

// Highest version of each family (GLIBC, GLIBCXX, CXXABI, GCC) the target provides on one
// architecture, as numbers.
using FamilyMaxima = std::map<std::string, std::vector<int>>;

// One phase of a target's support life (docs/baselines.md, `support`). A phase runs from the day
// after the previous phase's `until` (the first from the release) to its own `until`.
struct SupportPhase {
  std::string phase;                 // standard, maintenance, lts, esm, ltss, els
  std::optional<std::string> until;  // ISO date; none while the target is rolling
  bool paid = false;                 // an extension bought on top of the release's normal terms
  std::string source;
};

// A PyPA policy's tag (the PEP 600 name, manylinux_2_17), its older names (manylinux2014) and
// auditwheel's priority: of the policies a file satisfies, the highest priority is its tag.
struct PolicyTag {
  std::string tag;
  std::vector<std::string> aliases;
  int priority = 0;
  std::string source;
};

// Every version name each family may be needed at (architecture -> family -> versions, without
// the family prefix): a policy allows a version by listing it, not by its number.
using VersionSets = std::map<std::string, std::map<std::string, std::vector<std::string>>>;

struct Target {
  std::string id, name, family, kind;  // kind: "distro" or "policy"
  // Kept for completeness (every PyPA policy): chosen by its id, @pypa, @policies or @all, never
  // by @supported or its family's group.
  bool on_request = false;
  // Set for a target captured from a container image among the inputs (-t @image): it judges
  // the files of that release (the image, or one platform of it) and no other, and there a
  // library the image's own loader does not find is missing whatever its inventory says.
  std::string release_scope;
  std::string released;                       // ISO date
  std::optional<std::string> end_of_support;  // none for rolling releases
  std::string dates_source;
  std::vector<SupportPhase> support;       // in order; empty when the table has none
  std::vector<std::string> architectures;  // x86_64, i686, aarch64, armv7l, ...
  std::string libc_flavour, libc_version, libc_source;
  std::map<std::string, FamilyMaxima> symbol_versions;  // architecture -> maxima
  std::string symbol_versions_source;
  VersionSets symbol_version_sets;  // policies; empty for distributions
  std::string symbol_version_sets_source;
  std::optional<PolicyTag> policy;            // PyPA policies
  std::string kernel, kernel_source;          // kernel "" for a policy that names none
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
  Inventory inventory;
  std::map<std::string, LibraryDetail> library_details;  // soname -> detail
  std::string library_details_source;
  // Every library the release's official archive offers, when the table has the whole index;
  // a soname missing from a non-empty index is in no package of the archive.
  ArchiveRef archive;
  // A related archive whose package names the release mostly shares (Debian's for Ubuntu): a
  // hint of the package that installs a library, never proof that no package does.
  ArchiveRef package_names;
  bool whitelist_only = false;  // policies: what is not listed is not allowed
  // Policies: symbols a file must not import from a library it needs, by soname ("*": any);
  // auditwheel's `blacklist` (zlib's internals, which distributions' libz may not export).
  std::map<std::string, std::vector<std::string>> symbol_blacklist;
  std::string symbol_blacklist_source;
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

// The archive indexes compiled into portcheck (data/archive/<name>.txt); "" for an unknown name.
const char* bundled_archive_index(const std::string& name);

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

// The phase names of docs/baselines.md in their order of succession. `regular` phases are the
// release's own life cycle (their end is `end_of_support`); `paid` ones are paid extensions.
struct PhaseKind {
  const char* name;
  bool regular;
  bool paid;
};
const std::vector<PhaseKind>& phase_kinds();
const PhaseKind* find_phase_kind(const std::string& name);
// The target's `support`, or for a table without one a single standard phase to end_of_support.
std::vector<SupportPhase> support_phases(const Target& target);
// The phase running on `on_date`: the first whose `until` is on or after it, or that is rolling.
std::optional<SupportPhase> current_phase(const Target& target, const std::string& on_date);
// The rule of @supported: on `on_date` a phase runs that is not a paid extension.
bool is_supported(const Target& target, const std::string& on_date);

// Architecture names differ between ELF (i386, arm) and distributions (i686, armv7l).
std::string distro_architecture(const std::string& elf_machine);

}  // namespace portcheck
