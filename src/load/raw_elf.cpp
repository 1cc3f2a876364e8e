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
                  DT_VERDEFNUM = 0x6ffffffd, DT_VERNEED = 0x6ffffffe, DT_VERNEEDNUM = 0x6fffffff;
// Tags a dynamic section holds at most once: with two, readers disagree on which one counts
// (glibc's loader takes the last, most tools the first).
constexpr int64_t kSingleTags[] = {DT_STRTAB,    DT_SYMTAB,  DT_STRSZ,     DT_SONAME,
                                   DT_FLAGS,     DT_FLAGS_1, DT_VERSYM,    DT_VERDEF,
                                   DT_VERDEFNUM, DT_VERNEED, DT_VERNEEDNUM};
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
    read_notes();
    return std::nullopt;
  }

  RawElf take() { return std::move(raw_); }

 private:
  uint64_t word_size() const { return is64_ ? 8 : 4; }

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
        // LIEF allocates up to the end of every section, NOBITS or not (up to 100 MB long).
        return Failure{
            ErrorKind::malformed,
            fmt::format("section {} (NOBITS) starts at offset {} past the end of the file", i,
                        hex(section.offset))};
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
    if (!dynamic) return std::nullopt;
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
    if (auto failure = check_sections_agree(*dynamic)) return failure;
    if (auto failure = check_symbol_names()) return failure;
    if (auto failure = read_dynamic_strings()) return failure;
    if (auto failure = read_version_needs()) return failure;
    return read_version_defs();
  }

  // Tools such as readelf find the dynamic symbols, the version tables and their strings through
  // the section headers; the dynamic loader (and LIEF) through the dynamic section. Where both
  // exist they must name the same bytes, or the two readings of the file differ.
  std::optional<Failure> check_sections_agree(const RawSegment& dynamic) const {
    if (raw_.sections.empty()) return std::nullopt;
    auto disagree = [](const char* what) {
      return Failure{
          ErrorKind::malformed,
          fmt::format("the section headers and the dynamic section disagree on {}", what)};
    };
    struct Table {
      uint32_t type;
      int64_t tag, count_tag;
      const char* what;
    };
    static const Table tables[] = {
        {SHT_DYNAMIC, 0, 0, "the dynamic section"},
        {SHT_DYNSYM, DT_SYMTAB, 0, "the dynamic symbols"},
        {SHT_GNU_VERSYM, DT_VERSYM, 0, "the symbol versions"},
        {SHT_GNU_VERNEED, DT_VERNEED, DT_VERNEEDNUM, "the version needs"},
        {SHT_GNU_VERDEF, DT_VERDEF, DT_VERDEFNUM, "the version definitions"},
    };
    for (const auto& table : tables) {
      const RawSection* section = nullptr;
      size_t sections = 0;
      for (const auto& s : raw_.sections) {
        if (s.type == table.type) section = &s, ++sections;
      }
      if (table.type == SHT_DYNAMIC) {
        if (sections > 1 ||
            (section && (section->offset != dynamic.offset || section->size != dynamic.filesz))) {
          return disagree(table.what);
        }
      } else {
        auto address = dynamic_value(table.tag);
        if (!address && sections == 0) continue;
        if (!address || sections != 1 || to_offset(*address) != section->offset) {
          return disagree(table.what);
        }
        if (table.count_tag && dynamic_value(table.count_tag).value_or(0) != section->info) {
          return disagree(table.what);
        }
      }
      // The names: the section's string table is the dynamic string table.
      if (section && table.type != SHT_GNU_VERSYM) {
        if (section->link >= raw_.sections.size()) return disagree(table.what);
        const RawSection& strings = raw_.sections[section->link];
        if (strings.offset != strtab_ || strings.size != strsz_) return disagree(table.what);
      }
    }
    return std::nullopt;
  }

  // A symbol name must lie in the string table: past it, LIEF (and the loader) read whatever
  // bytes follow, other tools report <corrupt>.
  std::optional<Failure> check_symbol_names() const {
    for (const auto& section : raw_.sections) {
      if (section.type != SHT_DYNSYM) continue;
      uint64_t entry = is64_ ? 24 : 16;
      for (uint64_t i = 1; i < section.size / entry; ++i) {
        uint64_t name = *view_.u32(section.offset + i * entry);
        if (name != 0 && name >= strsz_) return bad_string("a dynamic symbol", name);
      }
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

  // Where a version table ends: at the end of its section when there is one, else of the file.
  uint64_t table_end(uint32_t type) const {
    for (const auto& section : raw_.sections) {
      if (section.type == type) return section.offset + section.size;
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
    uint64_t end = table_end(SHT_GNU_VERNEED);
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
    uint64_t end = table_end(SHT_GNU_VERDEF);
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
  uint64_t strtab_ = 0, strsz_ = 0;
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
  Reader reader(bytes, bytes[4] == 2, bytes[5] == 2);
  if (auto failure = reader.read()) return error(failure->kind, failure->message);
  return reader.take();
}

}  // namespace portcheck::load
