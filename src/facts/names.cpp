// The spelling of enum values in reports and JSON: part of the stable output contract.
#include "portcheck/facts.hpp"
#include "portcheck/file_error.hpp"

namespace portcheck {

const char* to_string(ElfClass value) { return value == ElfClass::elf32 ? "ELF32" : "ELF64"; }

const char* to_string(Endianness value) { return value == Endianness::little ? "little" : "big"; }

const char* to_string(FileType value) {
  switch (value) {
    case FileType::executable: return "executable";
    case FileType::pie_executable: return "pie-executable";
    case FileType::shared_library: return "shared-library";
    case FileType::static_executable: return "static-executable";
    case FileType::static_pie: return "static-pie";
    case FileType::relocatable: return "relocatable";
    case FileType::core: return "core";
    case FileType::unknown: break;
  }
  return "unknown";
}

const char* to_string(LibcFlavour value) {
  switch (value) {
    case LibcFlavour::glibc: return "glibc";
    case LibcFlavour::musl: return "musl";
    case LibcFlavour::static_linked: return "static";
    case LibcFlavour::none: return "none";
    case LibcFlavour::unknown: break;
  }
  return "unknown";
}

const char* to_id(FileNoteKind value) {
  switch (value) {
    case FileNoteKind::nobits_past_eof: return "nobits-past-eof";
    case FileNoteKind::section_mismatch: return "section-mismatch";
    case FileNoteKind::section_without_entry: return "section-without-entry";
    case FileNoteKind::entry_without_section: return "entry-without-section";
    case FileNoteKind::string_table_mismatch: return "string-table-mismatch";
  }
  return "section-mismatch";
}

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::not_found: return "not found";
    case ErrorKind::unreadable: return "unreadable";
    case ErrorKind::not_elf: return "not an ELF file";
    case ErrorKind::truncated: return "truncated";
    case ErrorKind::malformed: return "malformed";
    case ErrorKind::unsupported: return "unsupported";
    case ErrorKind::out_of_memory: return "out of memory";
  }
  return "malformed";
}

const char* to_id(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::unreadable: return "unreadable";
    case ErrorKind::not_elf: return "not_elf";
    case ErrorKind::truncated: return "truncated";
    case ErrorKind::malformed: return "malformed";
    case ErrorKind::unsupported: return "unsupported";
    case ErrorKind::out_of_memory: return "out_of_memory";
  }
  return "malformed";
}

}  // namespace portcheck
