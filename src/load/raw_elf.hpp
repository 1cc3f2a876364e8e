// A reading of the ELF structures straight from the bytes, with every offset checked against the
// file. LIEF 0.9 returns partial results for damaged files without complaint; this reading is what
// the loader holds LIEF's answer against, so a damaged file becomes an error, never a shorter
// list of requirements. It also reads the notes, which LIEF 0.9 does not decode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "portcheck/facts.hpp"
#include "portcheck/file_bytes.hpp"
#include "portcheck/file_error.hpp"

namespace portcheck::load {

struct RawSegment {
  uint32_t type = 0;
  uint32_t flags = 0;  // PF_X = 1, PF_W = 2, PF_R = 4
  uint64_t offset = 0, vaddr = 0, filesz = 0, memsz = 0, align = 0;
};

struct RawSection {
  std::string name;
  uint32_t type = 0;
  uint64_t flags = 0;
  uint64_t offset = 0, size = 0;
  uint32_t link = 0, info = 0;  // sh_link, sh_info
};

struct RawNeedAux {
  std::string name;
  uint16_t flags = 0;
  uint16_t other = 0;  // the version index symbols use to refer to it
};

struct RawNeed {
  std::string file;
  std::vector<RawNeedAux> versions;
};

struct RawElf {
  bool is64 = true;
  bool big_endian = false;
  uint16_t type = 0;
  uint16_t machine = 0;
  std::vector<RawSegment> segments;
  std::vector<RawSection> sections;
  std::optional<std::string> interpreter;
  bool has_dynamic = false;
  std::vector<std::string> needed;
  std::optional<std::string> soname;
  std::vector<std::string> rpath, runpath;  // raw strings, split later
  uint64_t flags = 0, flags_1 = 0;
  bool relr = false;
  std::vector<RawNeed> version_needs;
  std::vector<std::string> version_defs;  // without the base (VER_FLG_BASE) definition
  std::vector<uint16_t> version_def_indexes;
  // The dynamic symbol table as the loader sizes it: by the .dynsym section where it describes
  // the table DT_SYMTAB points to, else (or where the hash table reaches further) by the hash.
  uint64_t dynsym_count = 0;
  bool dynsym_count_from_section = false;
  bool dynsym_count_from_relocations = false;  // else from the hash table
  // Dynamic symbols DT_VERSYM binds to a version of a need or a definition; nullopt without a
  // DT_VERSYM table inside the file.
  std::optional<uint64_t> versioned_symbols;
  // Section headers of NOBITS sections whose sh_offset lies past the end of the file, by their
  // own offset in the file: LIEF allocates up to such an offset, so it is given a copy with
  // them moved to the end of the file (loader.cpp).
  std::vector<uint64_t> nobits_past_eof_headers;
  std::vector<FileNote> file_notes;
  ElfNotes notes;
};

// Reads and checks the file's structures; the error's path is left empty for the caller.
Result<RawElf> read_raw_elf(const FileBytes& bytes);

}  // namespace portcheck::load
