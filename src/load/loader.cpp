// Reads one ELF file with LIEF, then holds LIEF's answer against the file's own structures (see
// raw_elf.hpp): where the two disagree the file is damaged, and the result is an error.
#include <fmt/format.h>
#include <unistd.h>

#include <LIEF/ELF.hpp>
#include <LIEF/logging.hpp>
#include <algorithm>
#include <mutex>
#include <new>
#include <utility>

#include "machine.hpp"
#include "markers.hpp"
#include "portcheck/load.hpp"
#include "raw_elf.hpp"

namespace portcheck {
namespace {

using LIEF::ELF::DYNAMIC_TAGS;

constexpr uint16_t VER_FLG_WEAK = 2;
constexpr uint16_t VERSYM_HIDDEN_MASK = 0x7fff;

FileType file_type(const load::RawElf& raw, bool has_interpreter, bool pie_flag) {
  switch (raw.type) {
    case 1: return FileType::relocatable;
    case 4: return FileType::core;
    case 2:
      return has_interpreter || !raw.needed.empty() ? FileType::executable
                                                    : FileType::static_executable;
    case 3:
      if (has_interpreter) return FileType::pie_executable;
      // -static-pie output carries DF_1_PIE and no interpreter; shared libraries carry neither.
      return pie_flag ? FileType::static_pie : FileType::shared_library;
    default: return FileType::unknown;
  }
}

std::vector<std::string> split_paths(const std::string& text) {
  std::vector<std::string> paths;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(':', start);
    if (end == std::string::npos) end = text.size();
    paths.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return paths;
}

void read_dynamic_entries(const LIEF::ELF::Binary& binary, ElfFacts& facts) {
  for (const auto& entry : binary.dynamic_entries()) {
    switch (entry.tag()) {
      case DYNAMIC_TAGS::DT_NEEDED:
        facts.needed.push_back(dynamic_cast<const LIEF::ELF::DynamicEntryLibrary&>(entry).name());
        break;
      case DYNAMIC_TAGS::DT_SONAME:
        facts.soname = dynamic_cast<const LIEF::ELF::DynamicSharedObject&>(entry).name();
        break;
      case DYNAMIC_TAGS::DT_RPATH:
        for (auto& path :
             split_paths(dynamic_cast<const LIEF::ELF::DynamicEntryRpath&>(entry).rpath())) {
          facts.rpath.push_back(path);
        }
        break;
      case DYNAMIC_TAGS::DT_RUNPATH:
        for (auto& path :
             split_paths(dynamic_cast<const LIEF::ELF::DynamicEntryRunPath&>(entry).runpath())) {
          facts.runpath.push_back(path);
        }
        break;
      default: break;
    }
  }
}

void read_version_needs(const LIEF::ELF::Binary& binary, ElfFacts& facts) {
  for (const auto& requirement : binary.symbols_version_requirement()) {
    LibraryNeeds library{requirement.name(), {}};
    for (const auto& aux : requirement.auxiliary_symbols()) {
      library.versions.push_back({aux.name(), aux.other(), (aux.flags() & VER_FLG_WEAK) != 0});
    }
    facts.version_needs.push_back(std::move(library));
  }
}

const VersionNeed* find_need(const ElfFacts& facts, uint16_t index, std::string& library) {
  for (const auto& needs : facts.version_needs) {
    for (const auto& need : needs.versions) {
      if (need.index == index) {
        library = needs.library;
        return &need;
      }
    }
  }
  return nullptr;
}

// Whether ld.so takes the symbol as a definition: in a section, and not of value 0 unless
// absolute or thread-local (elf/dl-lookup.c skips those and looks further, as for an import).
bool defines(const LIEF::ELF::Symbol& symbol) {
  constexpr uint16_t SHN_ABS = 0xfff1;
  if (symbol.shndx() == 0) return false;
  return symbol.value() != 0 || symbol.shndx() == SHN_ABS ||
         symbol.type() == LIEF::ELF::ELF_SYMBOL_TYPES::STT_TLS;
}

// Binds each imported symbol to the version its .gnu.version entry names. A data object the
// program copies in (a copy relocation: stdout, environ, __libc_single_threaded) is defined in
// the program but bound to a version it needs: the loader must find it there, so it is an import.
std::optional<std::string> read_imports(const LIEF::ELF::Binary& binary, const load::RawElf& raw,
                                        ElfFacts& facts) {
  bool null_symbol = true;  // entry 0 is reserved (STN_UNDEF): never an import, whatever it holds
  for (const auto& symbol : binary.dynamic_symbols()) {
    if (std::exchange(null_symbol, false)) continue;
    if (symbol.name().empty()) continue;
    uint16_t index =
        symbol.has_version() ? symbol.symbol_version().value() & VERSYM_HIDDEN_MASK : 0;
    if (defines(symbol)) {
      std::string library;
      const VersionNeed* need = index >= 2 ? find_need(facts, index, library) : nullptr;
      if (need) facts.imports.push_back({symbol.name(), need->name, library, false, true});
      continue;
    }
    if (index < 2) {
      facts.unversioned_imports.push_back(symbol.name());
      if (symbol.binding() == LIEF::ELF::SYMBOL_BINDINGS::STB_WEAK) {
        facts.weak_unversioned_imports.push_back(symbol.name());
      }
      continue;
    }
    std::string library;
    const VersionNeed* need = find_need(facts, index, library);
    if (!need) {
      // An undefined symbol bound to a version this file itself defines cannot be satisfied by
      // any library it needs: damage, not an import to leave out.
      const auto& defs = raw.version_def_indexes;
      bool own = std::find(defs.begin(), defs.end(), index) != defs.end();
      return fmt::format("symbol {} refers to version index {} that {}", symbol.name(), index,
                         own ? "only this file defines" : "nothing defines");
    }
    bool weak = symbol.binding() == LIEF::ELF::SYMBOL_BINDINGS::STB_WEAK;
    facts.imports.push_back({symbol.name(), need->name, library, weak});
  }
  return std::nullopt;
}

bool same_needs(const ElfFacts& facts, const load::RawElf& raw) {
  if (facts.version_needs.size() != raw.version_needs.size()) return false;
  for (size_t i = 0; i < raw.version_needs.size(); ++i) {
    const auto& ours = facts.version_needs[i];
    const auto& theirs = raw.version_needs[i];
    if (ours.library != theirs.file || ours.versions.size() != theirs.versions.size()) return false;
    for (size_t j = 0; j < theirs.versions.size(); ++j) {
      if (ours.versions[j].name != theirs.versions[j].name) return false;
      if (ours.versions[j].index != theirs.versions[j].other) return false;
    }
  }
  return true;
}

std::vector<std::string> joined(const std::vector<std::string>& raw_lists) {
  std::vector<std::string> paths;
  for (const auto& list : raw_lists) {
    for (auto& path : split_paths(list)) paths.push_back(path);
  }
  return paths;
}

// The dynamic symbols past the null entry that LIEF binds to a version (index 2 or more).
uint64_t versioned_by_lief(const LIEF::ELF::Binary& binary) {
  uint64_t count = 0;
  bool null_symbol = true;
  for (const auto& symbol : binary.dynamic_symbols()) {
    if (std::exchange(null_symbol, false)) continue;
    count += symbol.has_version() && (symbol.symbol_version().value() & VERSYM_HIDDEN_MASK) >= 2;
  }
  return count;
}

// Every place where a partial LIEF result would read as "needs less" is compared here.
std::optional<std::string> disagreement(const ElfFacts& facts, const load::RawElf& raw,
                                        size_t lief_symbols, uint64_t lief_versioned) {
  if (facts.interpreter != raw.interpreter) return "the interpreter could not be read";
  if (facts.needed != raw.needed) return "the NEEDED entries could not be read";
  if (facts.soname != raw.soname) return "DT_SONAME could not be read";
  if (facts.rpath != joined(raw.rpath)) return "DT_RPATH could not be read";
  if (facts.runpath != joined(raw.runpath)) return "DT_RUNPATH could not be read";
  if (!same_needs(facts, raw)) return "the version requirements could not be read";
  if (facts.version_defs != raw.version_defs) return "the version definitions could not be read";
  size_t expected = raw.dynsym_count;
  if (expected != 0 && lief_symbols != expected) {
    return fmt::format("{} of {} dynamic symbols could be read", lief_symbols, expected);
  }
  // LIEF drops the symbol versions when it cannot read them (memory running out, say): every
  // import would look unversioned, needing less than it does.
  if (raw.versioned_symbols && lief_versioned != *raw.versioned_symbols) {
    return fmt::format("the symbol versions of {} of {} versioned dynamic symbols could be read",
                       lief_versioned, *raw.versioned_symbols);
  }
  return std::nullopt;
}

void read_header(const load::RawElf& raw, ElfFacts& facts) {
  facts.elf_class = raw.is64 ? ElfClass::elf64 : ElfClass::elf32;
  facts.endianness = raw.big_endian ? Endianness::big : Endianness::little;
  facts.machine = load::machine_name(raw.machine, raw.is64, raw.big_endian);
}

// What the loader does about the stack: PT_GNU_STACK's PF_X, or its default when absent.
std::string stack_of(const load::RawElf& raw) {
  constexpr uint32_t PT_GNU_STACK = 0x6474e551, PF_X = 1;
  if (raw.type != 2 && raw.type != 3) return "";
  for (const auto& segment : raw.segments) {
    if (segment.type == PT_GNU_STACK) return segment.flags & PF_X ? "executable" : "non-executable";
  }
  return "absent";
}

void read_flags(const load::RawElf& raw, ElfFacts& facts) {
  facts.stack = stack_of(raw);
  constexpr uint64_t DF_BIND_NOW = 0x8, DF_1_NOW = 0x1, DF_1_PIE = 0x08000000;
  facts.bind_now = (raw.flags & DF_BIND_NOW) || (raw.flags_1 & DF_1_NOW);
  facts.pie_flag = (raw.flags_1 & DF_1_PIE) != 0;
  facts.relr = raw.relr;
  facts.has_dynamic = raw.has_dynamic;
}

// Messages quote names read from the file; a damaged name must not break the one-line promise.
std::string one_line(std::string message) {
  for (char& c : message) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return message;
}

FileError error(const std::string& path, ErrorKind kind, std::string message) {
  return FileError{path, kind, one_line(std::move(message))};
}

// A copy of the file in which the NOBITS sections that start past its end start at its end and
// take no room: LIEF would allocate up to their offsets, and they hold nothing either way.
std::vector<uint8_t> with_nobits_moved(const FileBytes& bytes, const load::RawElf& raw) {
  std::vector<uint8_t> copy(bytes.begin(), bytes.end());
  auto put = [&](uint64_t at, uint64_t value) {
    unsigned width = raw.is64 ? 8 : 4;
    for (unsigned i = 0; i < width; ++i) {
      unsigned shift = 8 * (raw.big_endian ? width - 1 - i : i);
      copy[at + i] = static_cast<uint8_t>(value >> shift);
    }
  };
  for (uint64_t header : raw.nobits_past_eof_headers) {
    put(header + (raw.is64 ? 24 : 16), copy.size());  // sh_offset
    put(header + (raw.is64 ? 32 : 20), 0);            // sh_size
  }
  return copy;
}

// LIEF 0.9 counts dynamic symbols from the hash tables by default and undercounts some GNU hash
// layouts (libGL, libicu); the .dynsym section size is exact where it describes the table.
std::unique_ptr<LIEF::ELF::Binary> parse(const FileBytes& bytes, const load::RawElf& raw) {
  static std::once_flag quiet;
  std::call_once(quiet, [] { LIEF::Logger::disable(); });
  using LIEF::ELF::DYNSYM_COUNT_METHODS;
  auto method = raw.dynsym_count_from_section       ? DYNSYM_COUNT_METHODS::COUNT_SECTION
                : raw.dynsym_count_from_relocations ? DYNSYM_COUNT_METHODS::COUNT_RELOCATIONS
                : raw.dynsym_count > 0              ? DYNSYM_COUNT_METHODS::COUNT_HASH
                                                    : DYNSYM_COUNT_METHODS::COUNT_AUTO;
  if (!raw.nobits_past_eof_headers.empty()) {
    return LIEF::ELF::Parser::parse(with_nobits_moved(bytes, raw), "", method);
  }
  if (const auto* buffer = bytes.buffer()) return LIEF::ELF::Parser::parse(*buffer, "", method);
  // LIEF 0.9 copies whatever it is given; handing it our mapping as a vector would cost a
  // second copy of the file. It reads the same open file instead, which /proc/self/fd names.
  std::string same_file = fmt::format("/proc/self/fd/{}", bytes.descriptor());
  if (::access(same_file.c_str(), R_OK) == 0) return LIEF::ELF::Parser::parse(same_file, method);
  return LIEF::ELF::Parser::parse(std::vector<uint8_t>(bytes.begin(), bytes.end()), "", method);
}

Result<ElfFacts> read_with_lief(const std::string& path, const FileBytes& bytes,
                                const load::RawElf& raw) {
  auto binary = parse(bytes, raw);
  if (!binary) return error(path, ErrorKind::malformed, "the ELF structures could not be parsed");
  ElfFacts facts;
  read_header(raw, facts);
  if (static_cast<uint16_t>(binary->header().machine_type()) != raw.machine) {
    return error(path, ErrorKind::malformed, "the ELF header could not be read");
  }
  if (binary->has_interpreter()) facts.interpreter = binary->interpreter();
  read_dynamic_entries(*binary, facts);
  read_version_needs(*binary, facts);
  for (const auto& definition : binary->symbols_version_definition()) {
    if (definition.flags() & 1) continue;  // VER_FLG_BASE names the object itself
    for (const auto& aux : definition.symbols_aux()) {
      facts.version_defs.push_back(aux.name());
      break;  // the first aux is the definition; the rest name its parents
    }
  }
  if (auto problem = read_imports(*binary, raw, facts)) {
    return error(path, ErrorKind::malformed, *problem);
  }
  if (auto problem =
          disagreement(facts, raw, binary->dynamic_symbols().size(), versioned_by_lief(*binary))) {
    return error(path, ErrorKind::malformed, *problem);
  }
  return facts;
}

thread_local const char* loading = nullptr;

// Marks the calling thread as reading `path` for as long as it lives.
class Loading {
 public:
  explicit Loading(const std::string& path) { loading = path.c_str(); }
  ~Loading() { loading = nullptr; }
  Loading(const Loading&) = delete;
  Loading& operator=(const Loading&) = delete;
};

}  // namespace

const char* file_being_loaded() { return loading; }

Result<ElfFacts> load_elf(const std::string& path, const FileBytes& bytes) {
  Loading loading_this(path);
  auto raw_result = load::read_raw_elf(bytes);
  if (auto* failure = std::get_if<FileError>(&raw_result)) {
    return error(path, failure->kind, failure->message);
  }
  const load::RawElf& raw = std::get<load::RawElf>(raw_result);
  Result<ElfFacts> result = error(path, ErrorKind::malformed, "");
  try {
    result = read_with_lief(path, bytes, raw);
  } catch (const std::bad_alloc&) {
    return error(path, ErrorKind::out_of_memory, "memory ran out while the ELF parser read it");
  } catch (const std::exception& e) {
    return error(path, ErrorKind::malformed, fmt::format("the ELF parser failed: {}", e.what()));
  } catch (...) {
    return error(path, ErrorKind::malformed, "the ELF parser failed");
  }
  auto* facts = std::get_if<ElfFacts>(&result);
  if (!facts) return result;
  read_flags(raw, *facts);
  facts->type = file_type(raw, facts->interpreter.has_value(), facts->pie_flag);
  facts->notes = raw.notes;
  facts->file_notes = raw.file_notes;
  // One view of the file's non-code bytes serves every marker scan.
  load::TextRegions text(bytes, raw);
  facts->toolchain = load::detect_toolchain(bytes, text, raw, *facts);
  facts->static_libc = load::detect_static_libc(text, *facts);
  facts->tls_markers = load::detect_tls_markers(text);
  return result;
}

}  // namespace portcheck
