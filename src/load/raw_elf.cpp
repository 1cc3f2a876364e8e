#include "raw_elf.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "byte_view.hpp"

namespace portcheck::load {
namespace {

constexpr uint32_t PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_LOAD = 1;
constexpr uint32_t SHT_DYNAMIC = 6, SHT_NOBITS = 8, SHT_DYNSYM = 11, SHT_GNU_VERDEF = 0x6ffffffd,
                   SHT_GNU_VERNEED = 0x6ffffffe, SHT_GNU_VERSYM = 0x6fffffff;
constexpr int64_t DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_SYMTAB = 6, DT_STRSZ = 10,
                  DT_SONAME = 14, DT_RPATH = 15, DT_RUNPATH = 29, DT_FLAGS = 30, DT_RELR = 36,
                  DT_VERSYM = 0x6ffffff0, DT_FLAGS_1 = 0x6ffffffb, DT_VERDEF = 0x6ffffffc,
                  DT_VERDEFNUM = 0x6ffffffd, DT_VERNEED = 0x6ffffffe, DT_VERNEEDNUM = 0x6fffffff,
                  DT_HASH = 4, DT_GNU_HASH = 0x6ffffef5, DT_RELA = 7, DT_RELASZ = 8, DT_REL = 17,
                  DT_RELSZ = 18, DT_PLTRELSZ = 2, DT_PLTREL = 20, DT_JMPREL = 23;
// Tags a dynamic section holds at most once: with two, readers disagree on which one counts
// (glibc's loader takes the last, most tools the first).
constexpr int64_t kSingleTags[] = {DT_STRTAB,     DT_SYMTAB, DT_STRSZ,    DT_SONAME,    DT_FLAGS,
                                   DT_FLAGS_1,    DT_VERSYM, DT_VERDEF,   DT_VERDEFNUM, DT_VERNEED,
                                   DT_VERNEEDNUM, DT_HASH,   DT_GNU_HASH, DT_RELA,      DT_RELASZ,
                                   DT_REL,        DT_RELSZ,  DT_JMPREL,   DT_PLTRELSZ,  DT_PLTREL};
// The dynamic-linking tables that both a section header and a dynamic entry can describe; tag 0
// for the dynamic section itself, which PT_DYNAMIC describes.
struct DynamicTable {
  uint32_t type;
  int64_t tag, count_tag;
  const char* what;
};
constexpr DynamicTable kDynamicTables[] = {
    {SHT_DYNAMIC, 0, 0, "the dynamic section"},
    {SHT_DYNSYM, DT_SYMTAB, 0, "the dynamic symbols"},
    {SHT_GNU_VERSYM, DT_VERSYM, 0, "the symbol versions"},
    {SHT_GNU_VERNEED, DT_VERNEED, DT_VERNEEDNUM, "the version needs"},
    {SHT_GNU_VERDEF, DT_VERDEF, DT_VERDEFNUM, "the version definitions"},
};
constexpr uint16_t VER_FLG_BASE = 1;
constexpr uint32_t NT_GNU_ABI_TAG = 1, NT_GNU_BUILD_ID = 3, NT_GNU_PROPERTY_TYPE_0 = 5;
constexpr uint32_t GNU_PROPERTY_X86_ISA_1_NEEDED = 0xc0008002;
// Guards against absurd counts in a damaged header before anything is allocated.
constexpr uint64_t kMaxEntries = 1u << 20;
constexpr uint64_t kSegmentBytesPerFileByte = 8;

struct Failure {
  ErrorKind kind;
  std::string message;
};

std::string hex(uint64_t value) { return fmt::format("{:#x}", value); }

// Reads one file; the first failed check ends the reading with a Failure.
class Reader {
 public:
  Reader(const FileBytes& bytes, bool is64, bool big_endian)
      : view_(bytes, big_endian), is64_(is64) {
    raw_.is64 = is64;
    raw_.big_endian = big_endian;
  }

  std::optional<Failure> read() {
    if (auto failure = read_header()) return failure;
    if (auto failure = read_segments()) return failure;
    if (auto failure = read_sections()) return failure;
    if (is_debug_info_only()) {
      return Failure{ErrorKind::unsupported,
                     "a separate debug-information file, not a loadable object"};
    }
    if (auto failure = read_interpreter()) return failure;
    if (auto failure = read_dynamic()) return failure;
    if (auto failure = check_linux_versions()) return failure;
    read_notes();
    return std::nullopt;
  }

  RawElf take() { return std::move(raw_); }

 private:
  uint64_t word_size() const { return is64_ ? 8 : 4; }

  void note(FileNoteKind kind, std::string detail) {
    raw_.file_notes.push_back({kind, std::move(detail)});
  }

  // Solaris names its versions SUNW_1.1, SUNWprivate: such a file was built for another system,
  // even where its ELFOSABI says "System V" as Solaris's do.
  std::optional<Failure> check_linux_versions() const {
    auto solaris = [](const std::string& name) { return name.rfind("SUNW", 0) == 0; };
    bool found = std::any_of(raw_.version_defs.begin(), raw_.version_defs.end(), solaris);
    for (const auto& need : raw_.version_needs) {
      for (const auto& aux : need.versions) found |= solaris(aux.name);
    }
    if (!found) return std::nullopt;
    return Failure{ErrorKind::unsupported, "not a Linux program (Solaris symbol versions)"};
  }

  Failure truncated(const std::string& what, uint64_t end) const {
    return {ErrorKind::truncated, fmt::format("{} ends at offset {} but the file has {} bytes",
                                              what, hex(end), hex(view_.size()))};
  }

  std::optional<Failure> need_range(const std::string& what, uint64_t offset, uint64_t length) {
    if (view_.contains(offset, length)) return std::nullopt;
    if (offset + length < offset) return Failure{ErrorKind::malformed, what + " has a bad size"};
    return truncated(what, offset + length);
  }

  std::optional<Failure> read_header() {
    uint64_t header_size = is64_ ? 64 : 52;
    if (auto failure = need_range("the ELF header", 0, header_size)) return failure;
    raw_.type = static_cast<uint16_t>(*view_.u16(16));
    raw_.machine = static_cast<uint16_t>(*view_.u16(18));
    phoff_ = *view_.word(is64_ ? 32 : 28, is64_);
    shoff_ = *view_.word(is64_ ? 40 : 32, is64_);
    uint64_t at = is64_ ? 54 : 42;
    phentsize_ = *view_.u16(at);
    phnum_ = *view_.u16(at + 2);
    shentsize_ = *view_.u16(at + 4);
    shnum_ = *view_.u16(at + 6);
    shstrndx_ = *view_.u16(at + 8);
    return std::nullopt;
  }

  std::optional<Failure> read_segments() {
    if (phnum_ == 0) return std::nullopt;
    uint64_t entry = is64_ ? 56 : 32;
    // Exactly the size of an entry, as glibc's loader requires: LIEF steps by that size whatever
    // e_phentsize says, so with another size it reads other segments than these.
    if (phentsize_ != entry) {
      return Failure{ErrorKind::malformed, "the program header table has a bad entry size"};
    }
    if (phnum_ == 0xffff) {
      return Failure{ErrorKind::malformed, "the program header count is PN_XNUM (extended)"};
    }
    if (auto failure = need_range("the program header table", phoff_, phentsize_ * phnum_)) {
      return failure;
    }
    uint64_t covered = 0;
    for (uint64_t i = 0; i < phnum_; ++i) {
      RawSegment segment = read_segment(phoff_ + i * phentsize_);
      // Every segment, whatever its type: LIEF sizes its copy of the file to cover them all, so
      // one segment claiming gigabytes past the end would cost gigabytes of memory.
      auto what = fmt::format("segment {} (type {})", i, hex(segment.type));
      if (auto failure = need_range(what, segment.offset, segment.filesz)) return failure;
      covered += segment.filesz;
      raw_.segments.push_back(segment);
    }
    // Segments overlap (PT_LOAD covers the others), but on a system's own files they add up to
    // less than twice the file. LIEF copies each one: thousands over the same bytes would make
    // it copy the file thousands of times.
    if (covered > kSegmentBytesPerFileByte * view_.size()) {
      return Failure{ErrorKind::malformed,
                     fmt::format("the segments claim more than {} times the file's bytes",
                                 kSegmentBytesPerFileByte)};
    }
    return std::nullopt;
  }

  RawSegment read_segment(uint64_t at) const {
    RawSegment s;
    s.type = static_cast<uint32_t>(*view_.u32(at));
    s.flags = static_cast<uint32_t>(*view_.u32(at + (is64_ ? 4 : 24)));
    if (is64_) {
      s.offset = *view_.u64(at + 8), s.vaddr = *view_.u64(at + 16);
      s.filesz = *view_.u64(at + 32), s.memsz = *view_.u64(at + 40), s.align = *view_.u64(at + 48);
    } else {
      s.offset = *view_.u32(at + 4), s.vaddr = *view_.u32(at + 8);
      s.filesz = *view_.u32(at + 16), s.memsz = *view_.u32(at + 20), s.align = *view_.u32(at + 28);
    }
    return s;
  }

  // Section headers matter to no loader, but they sit at the end of the file: a table cut off is
  // the mark of a truncated download even when every segment is intact.
  std::optional<Failure> read_sections() {
    if (shoff_ == 0) return std::nullopt;
    uint64_t entry = is64_ ? 64 : 40;
    if (shnum_ == 0) return std::nullopt;  // extended numbering: nothing to hold LIEF against
    if (shentsize_ != entry) {
      return Failure{ErrorKind::malformed, "the section header table has a bad entry size"};
    }
    if (auto failure = need_range("the section header table", shoff_, shentsize_ * shnum_)) {
      return failure;
    }
    uint64_t covered = 0;
    for (uint64_t i = 0; i < shnum_; ++i) {
      uint64_t at = shoff_ + i * shentsize_;
      RawSection section;
      section.type = static_cast<uint32_t>(*view_.u32(at + 4));
      section.flags = *view_.word(at + 8, is64_);
      section.offset = *view_.word(at + (is64_ ? 24 : 16), is64_);
      section.size = *view_.word(at + (is64_ ? 32 : 20), is64_);
      section.link = static_cast<uint32_t>(*view_.u32(at + (is64_ ? 40 : 24)));
      section.info = static_cast<uint32_t>(*view_.u32(at + (is64_ ? 44 : 28)));
      name_offsets_.push_back(*view_.u32(at));
      // Every section but NOBITS lies in the file, even an inactive (SHT_NULL) one: later
      // stages (text_regions.cpp, markers.cpp) read any section's bytes by its offset and size.
      if (section.type != SHT_NOBITS) {
        auto what = fmt::format("section {}", i);
        if (auto failure = need_range(what, section.offset, section.size)) return failure;
        covered += section.size;
      } else if (section.offset > view_.size()) {
        // A NOBITS section takes no bytes of the file, so its offset means nothing to anyone;
        // Go's linker writes it past the end. LIEF allocates up to it, so LIEF is given a copy
        // with the offset moved (loader.cpp).
        raw_.nobits_past_eof_headers.push_back(at);
        note(FileNoteKind::nobits_past_eof,
             fmt::format("section {} (NOBITS) has sh_offset {} past the end of the file ({})", i,
                         hex(section.offset), hex(view_.size())));
      }
      raw_.sections.push_back(section);
    }
    // Sections do not overlap, so together they fit in the file. Thousands of sections over the
    // same bytes would make LIEF parse those bytes thousands of times (minutes for a 1 MB file).
    if (covered > view_.size()) {
      return Failure{ErrorKind::malformed, "the sections claim more bytes than the file has"};
    }
    name_sections();
    return std::nullopt;
  }

  void name_sections() {
    if (shstrndx_ >= raw_.sections.size()) return;
    const RawSection& names = raw_.sections[shstrndx_];
    for (size_t i = 0; i < raw_.sections.size(); ++i) {
      auto name = view_.c_string(names.offset + name_offsets_[i], names.offset + names.size);
      if (name) raw_.sections[i].name = *name;
    }
  }

  // objcopy --only-keep-debug keeps the program headers but empties the sections they cover.
  bool is_debug_info_only() const {
    for (const auto& section : raw_.sections) {
      if (section.name == ".dynamic" || section.name == ".text") {
        if (section.type == SHT_NOBITS) return true;
      }
    }
    return false;
  }

  const RawSegment* find_segment(uint32_t type) const {
    for (const auto& segment : raw_.segments) {
      if (segment.type == type) return &segment;
    }
    return nullptr;
  }

  std::optional<Failure> read_interpreter() {
    const RawSegment* interp = find_segment(PT_INTERP);
    if (!interp) return std::nullopt;
    auto text = view_.c_string(interp->offset, interp->offset + interp->filesz);
    if (!text) return Failure{ErrorKind::malformed, "the interpreter path is not terminated"};
    raw_.interpreter = *text;
    return std::nullopt;
  }

  std::optional<uint64_t> to_offset(uint64_t address) const {
    for (const auto& s : raw_.segments) {
      if (s.type == PT_LOAD && address >= s.vaddr && address - s.vaddr < s.filesz) {
        return s.offset + (address - s.vaddr);
      }
    }
    return std::nullopt;
  }

  std::optional<Failure> read_dynamic() {
    const RawSegment* dynamic = find_segment(PT_DYNAMIC);
    if (!dynamic) return unreferenced_tables();
    raw_.has_dynamic = true;
    uint64_t entry = 2 * word_size();
    bool terminated = false;
    for (uint64_t at = dynamic->offset; at + entry <= dynamic->offset + dynamic->filesz;
         at += entry) {
      int64_t tag = static_cast<int64_t>(*view_.word(at, is64_));
      uint64_t value = *view_.word(at + word_size(), is64_);
      if (!is64_) tag = static_cast<int32_t>(tag);
      // LIEF reads on past DT_NULL to the end of the segment: anything there but more DT_NULL
      // padding (what linkers write) is read by LIEF alone, unchecked, such as a DT_VERDEF
      // whose count made it allocate 24 GB.
      if (terminated && tag != DT_NULL) {
        return Failure{ErrorKind::malformed, "the dynamic section has entries after its end"};
      }
      if (tag == DT_NULL) terminated = true;
      if (!terminated) entries_.emplace_back(tag, value);
    }
    if (!terminated) return Failure{ErrorKind::malformed, "the dynamic section has no DT_NULL end"};
    for (int64_t tag : kSingleTags) {
      auto count = std::count_if(entries_.begin(), entries_.end(),
                                 [&](const auto& e) { return e.first == tag; });
      if (count > 1) {
        return Failure{
            ErrorKind::malformed,
            fmt::format("the dynamic section has {} entries of tag {}", count, hex(tag))};
      }
    }
    if (auto failure = locate_strings()) return failure;
    if (auto failure = compare_sections(*dynamic)) return failure;
    if (auto failure = unreferenced_tables()) return failure;
    if (auto failure = size_dynamic_symbols()) return failure;
    if (auto failure = check_symbol_names()) return failure;
    count_versioned_symbols();
    if (auto failure = read_dynamic_strings()) return failure;
    if (auto failure = read_version_needs()) return failure;
    return read_version_defs();
  }

  // Tools such as readelf find the dynamic symbols, the version tables and their strings through
  // the section headers; the dynamic loader (and LIEF) through the dynamic section, which is what
  // the facts are read from. Where the section headers say otherwise, nothing changes at run
  // time: each difference is a note on the file, and the tables are read as the loader reads them.
  std::optional<Failure> compare_sections(const RawSegment& dynamic) {
    if (raw_.sections.empty()) return std::nullopt;
    for (const auto& table : kDynamicTables) {
      bool described = false;
      for (size_t i = 0; i < raw_.sections.size(); ++i) {
        const RawSection& section = raw_.sections[i];
        if (section.type != table.type) continue;
        described = true;
        if (auto failure =
                compare_section(table.what, i, section, dynamic, table.tag, table.count_tag)) {
          return failure;
        }
      }
      if (table.tag && dynamic_value(table.tag) && !described) {
        note(FileNoteKind::entry_without_section,
             fmt::format("no section header describes {} (dynamic tag {})", table.what,
                         hex(table.tag)));
      }
    }
    return std::nullopt;
  }

  // A section that holds dynamic-linking entries the dynamic section does not refer to: the
  // loader ignores them, but a file whose two descriptions differ in what it needs may have lost
  // those needs from the one the loader reads, so it is damage, not a note. Empty tables (what
  // Go's internal linker writes) are notes (compare_section).
  std::optional<Failure> unreferenced_tables() const {
    bool dynamic = find_segment(PT_DYNAMIC) != nullptr;
    for (size_t i = 0; i < raw_.sections.size(); ++i) {
      const RawSection& section = raw_.sections[i];
      const auto* table =
          std::find_if(std::begin(kDynamicTables), std::end(kDynamicTables),
                       [&](const DynamicTable& t) { return t.type == section.type; });
      if (table == std::end(kDynamicTables)) continue;
      bool referenced = table->tag == 0 ? dynamic : dynamic_value(table->tag).has_value();
      if (!referenced && holds_entries(section)) {
        return Failure{
            ErrorKind::malformed,
            fmt::format("{} holds entries that the {} does not refer to", section_name(i),
                        dynamic ? "dynamic section" : "program headers")};
      }
    }
    if (dynamic && !dynamic_value(DT_SYMTAB) &&
        (dynamic_value(DT_VERSYM) || dynamic_value(DT_VERNEED))) {
      return Failure{ErrorKind::malformed, "the dynamic section has versions but no DT_SYMTAB"};
    }
    return std::nullopt;
  }

  bool holds_entries(const RawSection& section) const {
    uint64_t symbol = is64_ ? 24 : 16;
    switch (section.type) {
      case SHT_DYNAMIC:
        return section.size >= 2 * word_size() && *view_.word(section.offset, is64_) != 0;
      case SHT_DYNSYM: return section.size / symbol > 1;
      case SHT_GNU_VERNEED:
      case SHT_GNU_VERDEF: return section.size > 0 && section.info > 0;
      case SHT_GNU_VERSYM:
        // Indexes 0 and 1 (local, global) name no version: such a table binds nothing.
        for (uint64_t at = 0; at + 2 <= section.size; at += 2) {
          if ((*view_.u16(section.offset + at) & 0x7fff) >= 2) return true;
        }
        return false;
      default: return false;
    }
  }

  std::string section_name(size_t index) const {
    const auto& name = raw_.sections[index].name;
    return name.empty() ? fmt::format("section {}", index)
                        : fmt::format("section {} ({})", index, name);
  }

  // Sizes and counts that differ are notes: the loader reads the dynamic entries, and the chains
  // are checked against those. A table the two place at different bytes is damage: one of the
  // two descriptions was moved, and nothing says which.
  std::optional<Failure> compare_section(const char* what, size_t index, const RawSection& section,
                                         const RawSegment& dynamic, int64_t tag,
                                         int64_t count_tag) {
    std::string name = section_name(index);
    auto moved = [&] {
      return Failure{
          ErrorKind::malformed,
          fmt::format("the section headers and the dynamic section disagree on {}", what)};
    };
    if (tag == 0) {
      if (section.offset != dynamic.offset) return moved();
      if (section.size != dynamic.filesz) {
        note(FileNoteKind::section_mismatch,
             fmt::format("{} covers {} bytes at {}, PT_DYNAMIC {} bytes at {}; the loader reads "
                         "PT_DYNAMIC",
                         name, section.size, hex(section.offset), dynamic.filesz,
                         hex(dynamic.offset)));
      }
    } else {
      auto address = dynamic_value(tag);
      if (!address) {
        // unreferenced_tables() makes it an error when the section holds entries.
        note(FileNoteKind::section_without_entry,
             fmt::format("{} is there for {} ({} bytes) but the dynamic section has no tag {}: "
                         "the loader does not use it",
                         name, what, section.size, hex(tag)));
        return std::nullopt;
      }
      if (to_offset(*address) != section.offset) return moved();
      auto count = dynamic_value(count_tag).value_or(0);
      if (count_tag && count != section.info) {
        note(FileNoteKind::section_mismatch,
             fmt::format("{} counts {} entries (sh_info), dynamic tag {} {}; the loader uses the "
                         "tag",
                         name, section.info, hex(count_tag), count));
      }
    }
    // The names: the section's string table should be the dynamic string table. Another whole
    // string table (a second .dynstr) is a note; DT_STRTAB pointing into the middle of one, or
    // nowhere a section says, is damage.
    if (section.type == SHT_GNU_VERSYM) return std::nullopt;
    const RawSection* strings =
        section.link < raw_.sections.size() ? &raw_.sections[section.link] : nullptr;
    if (strings && strings->offset == strtab_ && strings->size == strsz_) return std::nullopt;
    if (!strtab_starts_a_section()) return moved();
    note(FileNoteKind::string_table_mismatch,
         fmt::format("{} links to section {}, not to the string table DT_STRTAB names; the "
                     "loader reads DT_STRTAB",
                     name, section.link));
    return std::nullopt;
  }

  bool strtab_starts_a_section() const {
    constexpr uint32_t SHT_STRTAB = 3;
    return std::any_of(raw_.sections.begin(), raw_.sections.end(), [&](const RawSection& s) {
      return s.type == SHT_STRTAB && s.offset == strtab_ && s.size >= strsz_;
    });
  }

  // The number of dynamic symbols, which the dynamic section does not record: the loader knows
  // the symbols relocations name and those its hash table reaches.
  std::optional<Failure> size_dynamic_symbols() {
    auto address = dynamic_value(DT_SYMTAB);
    if (!address) return std::nullopt;
    auto offset = to_offset(*address);
    if (!offset) {
      return Failure{ErrorKind::malformed,
                     fmt::format("DT_SYMTAB {} lies in no loaded segment", hex(*address))};
    }
    symtab_ = *offset;
    uint64_t entry = is64_ ? 24 : 16;
    std::optional<uint64_t> by_section;
    for (const auto& section : raw_.sections) {
      if (section.type == SHT_DYNSYM && section.offset == symtab_)
        by_section = section.size / entry;
    }
    auto by_hash = hashed_symbol_count();
    if (!by_hash) return Failure{ErrorKind::malformed, "the symbol hash table is damaged"};
    auto by_relocations = relocated_symbol_count();
    if (!by_relocations) return Failure{ErrorKind::malformed, "a relocation table is damaged"};
    // A hash table claiming more symbols than the file holds is wrong (the loader never counts
    // through it); with a .dynsym section to size the table it is a note.
    if (by_section && !view_.contains(symtab_, *by_hash * entry)) {
      note(FileNoteKind::section_mismatch,
           fmt::format("the hash table claims {} symbols, more than the file holds; .dynsym's {} "
                       "are read",
                       *by_hash, *by_section));
      by_hash = 0;
    }
    raw_.dynsym_count = std::max({by_section.value_or(0), *by_hash, *by_relocations});
    raw_.dynsym_count_from_section = by_section && *by_section == raw_.dynsym_count;
    raw_.dynsym_count_from_relocations = !raw_.dynsym_count_from_section &&
                                         *by_relocations == raw_.dynsym_count &&
                                         *by_relocations > *by_hash;
    // A GNU hash table leaves out the undefined symbols, so it may reach fewer; more is odd.
    if (by_section && *by_section < raw_.dynsym_count) {
      note(FileNoteKind::section_mismatch,
           fmt::format(".dynsym holds {} symbols, the hash table or relocations reach {}; {} are "
                       "read",
                       *by_section, raw_.dynsym_count, raw_.dynsym_count));
    }
    if (raw_.dynsym_count > kMaxEntries) {
      return Failure{ErrorKind::malformed,
                     fmt::format("the dynamic symbol count {} is absurd", raw_.dynsym_count)};
    }
    return need_range("the dynamic symbol table", symtab_, raw_.dynsym_count * entry);
  }

  // One past the highest symbol a dynamic relocation names: GNU hash tables leave out undefined
  // symbols, which relocations reach all the same. nullopt when a table lies outside the file.
  std::optional<uint64_t> relocated_symbol_count() const {
    uint64_t count = 0;
    bool plt_rela = dynamic_value(DT_PLTREL).value_or(DT_RELA) == static_cast<uint64_t>(DT_RELA);
    struct Table {
      int64_t address, size;
      bool rela;
    };
    const Table tables[] = {
        {DT_RELA, DT_RELASZ, true}, {DT_REL, DT_RELSZ, false}, {DT_JMPREL, DT_PLTRELSZ, plt_rela}};
    for (const auto& table : tables) {
      auto address = dynamic_value(table.address);
      uint64_t size = dynamic_value(table.size).value_or(0);
      if (!address || size == 0) continue;
      auto at = to_offset(*address);
      if (!at || !view_.contains(*at, size)) return std::nullopt;
      count = std::max(count, highest_relocated(*at, size, table.rela));
    }
    // ld.so's lazy binding takes a PLT slot's relocation from the PLT itself, never checking it
    // against DT_PLTRELSZ: a .rela.plt larger than DT_PLTRELSZ still binds its symbols.
    constexpr uint32_t SHT_RELA = 4, SHT_REL = 9;
    for (const auto& section : raw_.sections) {
      if (section.type != SHT_RELA && section.type != SHT_REL) continue;
      if (section.link >= raw_.sections.size() || raw_.sections[section.link].type != SHT_DYNSYM) {
        continue;
      }
      count = std::max(count,
                       highest_relocated(section.offset, section.size, section.type == SHT_RELA));
    }
    return count;
  }

  uint64_t highest_relocated(uint64_t at, uint64_t size, bool rela) const {
    uint64_t entry = (rela ? 3 : 2) * word_size(), count = 0;
    for (uint64_t i = 0; i + entry <= size; i += entry) {
      uint64_t info = *view_.word(at + i + word_size(), is64_);
      count = std::max(count, (is64_ ? info >> 32 : (info >> 8) & 0xffffff) + 1);
    }
    return count;
  }

  // The symbols the hash tables cover, the further of the two where a file has both (ld.so
  // uses DT_GNU_HASH then): 0 without a hash table; nullopt when a table is damaged.
  std::optional<uint64_t> hashed_symbol_count() const {
    auto gnu = gnu_hashed_symbol_count();
    if (!gnu) return std::nullopt;
    auto address = dynamic_value(DT_HASH);
    if (!address) return gnu;
    auto at = to_offset(*address);
    if (!at || !view_.contains(*at, 8)) return std::nullopt;
    return std::max(*gnu, *view_.u32(*at + 4));  // nchain
  }

  // For DT_GNU_HASH, one past the last symbol of the longest chain.
  std::optional<uint64_t> gnu_hashed_symbol_count() const {
    auto address = dynamic_value(DT_GNU_HASH);
    if (!address) return 0;
    auto at = to_offset(*address);
    if (!at || !view_.contains(*at, 16)) return std::nullopt;
    uint64_t buckets = *view_.u32(*at), first = *view_.u32(*at + 4), bloom = *view_.u32(*at + 8);
    if (buckets > kMaxEntries || bloom > kMaxEntries) return std::nullopt;
    uint64_t bucket_at = *at + 16 + bloom * word_size();
    if (!view_.contains(bucket_at, buckets * 4)) return std::nullopt;
    uint64_t last = 0;
    for (uint64_t i = 0; i < buckets; ++i) last = std::max(last, *view_.u32(bucket_at + 4 * i));
    if (last == 0) return first;  // no symbol is hashed
    if (last < first) return std::nullopt;
    uint64_t chain_at = bucket_at + buckets * 4;
    for (uint64_t index = last; index - last <= kMaxEntries; ++index) {
      auto value = view_.u32(chain_at + 4 * (index - first));
      if (!value) return std::nullopt;
      if (*value & 1) return index + 1;
    }
    return std::nullopt;
  }

  // The dynamic symbols (past the null entry) that DT_VERSYM binds to a version (index 2 or
  // more), when the whole table is in the file: what LIEF's symbol versions are checked against.
  void count_versioned_symbols() {
    auto address = dynamic_value(DT_VERSYM);
    auto offset = address ? to_offset(*address) : std::nullopt;
    if (!offset || !view_.contains(*offset, raw_.dynsym_count * 2)) return;
    uint64_t count = 0;
    for (uint64_t i = 1; i < raw_.dynsym_count; ++i) {
      count += (*view_.u16(*offset + 2 * i) & 0x7fff) >= 2;
    }
    raw_.versioned_symbols = count;
  }

  // A symbol name must lie in the string table: past it, LIEF (and the loader) read whatever
  // bytes follow, other tools report <corrupt>.
  std::optional<Failure> check_symbol_names() const {
    uint64_t entry = is64_ ? 24 : 16;
    for (uint64_t i = 1; i < raw_.dynsym_count; ++i) {
      uint64_t name = *view_.u32(symtab_ + i * entry);
      if (name != 0 && name >= strsz_) return bad_string("a dynamic symbol", name);
    }
    return std::nullopt;
  }

  std::optional<uint64_t> dynamic_value(int64_t tag) const {
    for (const auto& [t, value] : entries_) {
      if (t == tag) return value;
    }
    return std::nullopt;
  }

  std::optional<Failure> locate_strings() {
    auto address = dynamic_value(DT_STRTAB);
    auto size = dynamic_value(DT_STRSZ);
    if (!address || !size) {
      bool uses_strings = false;
      for (const auto& [tag, value] : entries_) {
        uses_strings |= tag == DT_NEEDED || tag == DT_SONAME || tag == DT_VERNEED;
      }
      if (!uses_strings) return std::nullopt;
      return Failure{ErrorKind::malformed, "the dynamic section has no string table"};
    }
    auto offset = to_offset(*address);
    if (!offset) {
      return Failure{ErrorKind::malformed,
                     fmt::format("DT_STRTAB {} lies in no loaded segment", hex(*address))};
    }
    if (auto failure = need_range("the dynamic string table", *offset, *size)) return failure;
    // Its last byte is a NUL, so that every name in it ends inside it: LIEF reads symbol names
    // on past the table's end, other tools stop at it.
    if (*size > 0 && *view_.u8(*offset + *size - 1) != 0) {
      return Failure{ErrorKind::malformed, "the dynamic string table does not end with a NUL"};
    }
    strtab_ = *offset;
    strsz_ = *size;
    return std::nullopt;
  }

  std::optional<std::string> dynamic_string(uint64_t index) const {
    if (index >= strsz_) return std::nullopt;
    return view_.c_string(strtab_ + index, strtab_ + strsz_);
  }

  std::optional<Failure> bad_string(const char* what, uint64_t index) const {
    return Failure{ErrorKind::malformed,
                   fmt::format("{} names string {} outside the string table", what, hex(index))};
  }

  std::optional<Failure> read_dynamic_strings() {
    for (const auto& [tag, value] : entries_) {
      if (tag == DT_FLAGS) raw_.flags = value;
      if (tag == DT_FLAGS_1) raw_.flags_1 = value;
      if (tag == DT_RELR) raw_.relr = true;
      if (tag != DT_NEEDED && tag != DT_SONAME && tag != DT_RPATH && tag != DT_RUNPATH) continue;
      auto text = dynamic_string(value);
      if (!text) return bad_string("a dynamic entry", value);
      if (tag == DT_NEEDED) raw_.needed.push_back(*text);
      if (tag == DT_SONAME) raw_.soname = *text;
      if (tag == DT_RPATH) raw_.rpath.push_back(*text);
      if (tag == DT_RUNPATH) raw_.runpath.push_back(*text);
    }
    return std::nullopt;
  }

  std::optional<Failure> locate_table(int64_t tag, int64_t count_tag, uint64_t& offset,
                                      uint64_t& count, const char* what) {
    auto address = dynamic_value(tag);
    count = dynamic_value(count_tag).value_or(0);
    if (!address) return std::nullopt;
    // glibc's loader follows the chain to its end whatever the count says; LIEF reads as many as
    // the count. The chain is checked against the count below, so a table must have one.
    if (count == 0) {
      return Failure{ErrorKind::malformed, fmt::format("the {} table has no count", what)};
    }
    auto located = to_offset(*address);
    if (!located) {
      return Failure{
          ErrorKind::malformed,
          fmt::format("the {} table at {} lies in no loaded segment", what, hex(*address))};
    }
    if (count > kMaxEntries) {
      return Failure{ErrorKind::malformed, fmt::format("the {} count {} is absurd", what, count)};
    }
    offset = *located;
    return std::nullopt;
  }

  // Where a version table that starts at `at` ends: at the end of its section when a section of
  // its type starts there, else where the loaded bytes that hold it end.
  uint64_t table_end(uint32_t type, uint64_t at) const {
    for (const auto& section : raw_.sections) {
      if (section.type == type && section.offset == at) return section.offset + section.size;
    }
    for (const auto& s : raw_.segments) {
      if (s.type == PT_LOAD && at >= s.offset && at - s.offset < s.filesz)
        return s.offset + s.filesz;
    }
    return view_.size();
  }

  // Reads one more entry of a version table: inside the table, and within the entries the table
  // has room for. Entries never overlap, so counts and links that ask for more (shared or
  // overlapping chains) are damage; bounding them keeps a small hostile file from making this
  // reader, and LIEF after it, loop and allocate for minutes.
  std::optional<Failure> table_entry(const char* what, uint64_t at, uint64_t size, uint64_t end,
                                     uint64_t& room) {
    if (auto failure = need_range(what, at, size)) return failure;
    if (at + size > end) {
      return Failure{ErrorKind::malformed, fmt::format("{} lies outside its section", what)};
    }
    if (room == 0) {
      return Failure{ErrorKind::malformed,
                     fmt::format("the version table has no room for {}", what)};
    }
    --room;
    return std::nullopt;
  }

  std::optional<Failure> read_version_needs() {
    uint64_t at = 0, count = 0;
    if (auto failure = locate_table(DT_VERNEED, DT_VERNEEDNUM, at, count, "version need")) {
      return failure;
    }
    uint64_t end = table_end(SHT_GNU_VERNEED, at);
    uint64_t room = at < end ? (end - at) / 16 : 0;  // needs and their aux entries: 16 bytes each
    for (uint64_t i = 0; i < count; ++i) {
      if (auto failure = table_entry("a version need entry", at, 16, end, room)) return failure;
      if (*view_.u16(at) != 1) {
        return Failure{ErrorKind::malformed, "a version need entry has an unknown version"};
      }
      RawNeed need;
      auto file = dynamic_string(*view_.u32(at + 4));
      if (!file) return bad_string("a version need entry", *view_.u32(at + 4));
      need.file = *file;
      uint64_t aux = at + *view_.u32(at + 8);
      if (auto failure = read_need_aux(aux, *view_.u16(at + 2), end, room, need)) return failure;
      raw_.version_needs.push_back(std::move(need));
      uint64_t next = *view_.u32(at + 12);
      if ((next == 0) != (i + 1 == count)) {
        return Failure{ErrorKind::malformed, "the version need chain and its count disagree"};
      }
      at += next;
    }
    return std::nullopt;
  }

  std::optional<Failure> read_need_aux(uint64_t at, uint64_t count, uint64_t end, uint64_t& room,
                                       RawNeed& need) {
    for (uint64_t j = 0; j < count; ++j) {
      if (auto failure = table_entry("a version need aux entry", at, 16, end, room)) return failure;
      RawNeedAux aux;
      aux.flags = static_cast<uint16_t>(*view_.u16(at + 4));
      aux.other = static_cast<uint16_t>(*view_.u16(at + 6));
      auto name = dynamic_string(*view_.u32(at + 8));
      if (!name) return bad_string("a version need aux entry", *view_.u32(at + 8));
      aux.name = *name;
      need.versions.push_back(aux);
      uint64_t next = *view_.u32(at + 12);
      if ((next == 0) != (j + 1 == count)) {
        return Failure{
            ErrorKind::malformed,
            fmt::format("the versions needed from {} and their count disagree", need.file)};
      }
      at += next;
    }
    return std::nullopt;
  }

  // The first aux entry of a definition names it, the others its parents: LIEF reads them all.
  std::optional<Failure> check_def_aux(uint64_t at, uint64_t count, uint64_t end, uint64_t& room) {
    for (uint64_t j = 0; j < count; ++j) {
      if (auto failure = table_entry("a version definition aux entry", at, 8, end, room)) {
        return failure;
      }
      uint64_t next = *view_.u32(at + 4);
      if ((next == 0) != (j + 1 == count)) {
        return Failure{ErrorKind::malformed,
                       "the names of a version definition and their count disagree"};
      }
      at += next;
    }
    return std::nullopt;
  }

  std::optional<Failure> read_version_defs() {
    uint64_t at = 0, count = 0;
    if (auto failure = locate_table(DT_VERDEF, DT_VERDEFNUM, at, count, "version definition")) {
      return failure;
    }
    uint64_t end = table_end(SHT_GNU_VERDEF, at);
    uint64_t room = at < end ? (end - at) / 8 : 0;  // at least 8 bytes an entry
    for (uint64_t i = 0; i < count; ++i) {
      if (auto failure = table_entry("a version definition", at, 20, end, room)) return failure;
      uint16_t flags = static_cast<uint16_t>(*view_.u16(at + 2));
      uint16_t index = static_cast<uint16_t>(*view_.u16(at + 4));
      uint64_t aux = at + *view_.u32(at + 12);
      if (auto failure = need_range("a version definition aux entry", aux, 8)) return failure;
      auto name = dynamic_string(*view_.u32(aux));
      if (!name) return bad_string("a version definition", *view_.u32(aux));
      if (auto failure = check_def_aux(aux, *view_.u16(at + 6), end, room)) return failure;
      if (!(flags & VER_FLG_BASE)) {
        raw_.version_defs.push_back(*name);
        raw_.version_def_indexes.push_back(index);
      }
      uint64_t next = *view_.u32(at + 16);
      if ((next == 0) != (i + 1 == count)) {
        return Failure{ErrorKind::malformed, "the version definition chain and its count disagree"};
      }
      at += next;
    }
    return std::nullopt;
  }

  // Notes are hints (kernel floor, ISA level, build-id); an odd note is skipped, not fatal.
  void read_notes() {
    uint64_t budget = view_.size();  // note segments do not overlap: stop where they would
    for (const auto& segment : raw_.segments) {
      if (segment.type != PT_NOTE) continue;
      if (segment.filesz > budget) return;
      budget -= segment.filesz;
      uint64_t align = segment.align == 8 ? 8 : 4;
      uint64_t at = segment.offset, end = segment.offset + segment.filesz;
      while (at + 12 <= end) {
        uint64_t namesz = *view_.u32(at), descsz = *view_.u32(at + 4);
        uint32_t type = static_cast<uint32_t>(*view_.u32(at + 8));
        uint64_t desc = at + 12 + round_up(namesz, 4);
        if (align == 8) desc = at + round_up(12 + namesz, 8);
        if (namesz > end || descsz > end || desc + descsz > end) break;
        auto name = view_.c_string(at + 12, at + 12 + namesz);
        if (name && *name == "GNU") read_gnu_note(type, desc, descsz);
        at = desc + round_up(descsz, align);
      }
    }
  }

  static uint64_t round_up(uint64_t value, uint64_t align) {
    return (value + align - 1) / align * align;
  }

  void read_gnu_note(uint32_t type, uint64_t desc, uint64_t size) {
    if (type == NT_GNU_ABI_TAG && size >= 16 && *view_.u32(desc) == 0) {
      raw_.notes.abi_tag_kernel = fmt::format("{}.{}.{}", *view_.u32(desc + 4),
                                              *view_.u32(desc + 8), *view_.u32(desc + 12));
    } else if (type == NT_GNU_BUILD_ID && size > 0) {
      std::string id;
      for (uint64_t i = 0; i < size; ++i) id += fmt::format("{:02x}", *view_.u8(desc + i));
      raw_.notes.build_id = id;
    } else if (type == NT_GNU_PROPERTY_TYPE_0) {
      read_properties(desc, size);
    }
  }

  void read_properties(uint64_t at, uint64_t size) {
    uint64_t end = at + size;
    while (at + 8 <= end) {
      uint32_t type = static_cast<uint32_t>(*view_.u32(at));
      uint64_t datasz = *view_.u32(at + 4);
      if (at + 8 + datasz > end) return;
      if (type == GNU_PROPERTY_X86_ISA_1_NEEDED && datasz >= 4) {
        uint64_t bits = *view_.u32(at + 8);
        int level = 0;
        for (int bit = 0; bit < 4; ++bit) {
          if (bits & (1u << bit)) level = bit + 1;
        }
        if (level > 0) raw_.notes.x86_isa_needed = level;
      }
      at += 8 + round_up(datasz, word_size());
    }
  }

  ByteView view_;
  bool is64_;
  RawElf raw_;
  uint64_t phoff_ = 0, shoff_ = 0, phentsize_ = 0, phnum_ = 0, shentsize_ = 0, shnum_ = 0,
           shstrndx_ = 0;
  std::vector<uint64_t> name_offsets_;
  std::vector<std::pair<int64_t, uint64_t>> entries_;
  uint64_t strtab_ = 0, strsz_ = 0, symtab_ = 0;
};

}  // namespace

Result<RawElf> read_raw_elf(const FileBytes& bytes) {
  auto error = [](ErrorKind kind, std::string message) {
    return FileError{"", kind, std::move(message)};
  };
  if (bytes.size() < 4 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' ||
      bytes[3] != 'F') {
    return error(ErrorKind::not_elf, "no ELF magic number");
  }
  if (bytes.size() < 16) return error(ErrorKind::truncated, "the ELF identification is cut off");
  if (bytes[4] != 1 && bytes[4] != 2) {
    return error(ErrorKind::malformed, fmt::format("unknown ELF class {}", bytes[4]));
  }
  if (bytes[5] != 1 && bytes[5] != 2) {
    return error(ErrorKind::malformed, fmt::format("unknown ELF data encoding {}", bytes[5]));
  }
  // Linux programs say System V (0) or GNU (3); FreeBSD, Solaris 11 and the rest their own.
  if (bytes[7] != 0 && bytes[7] != 3) {
    return error(ErrorKind::unsupported,
                 fmt::format("not a Linux program (ELFOSABI {})", static_cast<int>(bytes[7])));
  }
  Reader reader(bytes, bytes[4] == 2, bytes[5] == 2);
  if (auto failure = reader.read()) return error(failure->kind, failure->message);
  return reader.take();
}

}  // namespace portcheck::load
