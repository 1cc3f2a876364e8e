// The facts read from one ELF file: what the file itself records, exactly, plus the meaning the
// facts stage derives from it (libc flavour, highest version per family, culprits). Plain data:
// every later stage reads these and a test can build one by hand.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "portcheck/symbol_version.hpp"

namespace portcheck {

enum class ElfClass { elf32, elf64 };
enum class Endianness { little, big };
enum class FileType {
  executable,
  pie_executable,
  shared_library,
  static_executable,
  static_pie,
  relocatable,
  core,
  unknown
};
enum class LibcFlavour { glibc, musl, static_linked, none, unknown };

// One version a needed library must provide, as recorded in .gnu.version_r.
struct VersionNeed {
  std::string name;  // "GLIBC_2.34", exactly as recorded
  uint16_t index = 0;
  bool weak = false;  // VER_FLG_WEAK: the loader only warns when it is missing
};

struct LibraryNeeds {
  std::string library;  // vn_file, e.g. "libc.so.6"
  std::vector<VersionNeed> versions;
};

// An imported dynamic symbol bound to a needed version.
struct ImportedSymbol {
  std::string name;
  std::string version;
  std::string library;
  bool weak = false;    // STB_WEAK undefined: optional at run time
  bool copied = false;  // defined here by a copy relocation (stdout, environ), still bound
};

struct ElfNotes {
  std::optional<std::string> abi_tag_kernel;  // "3.2.0" from .note.ABI-tag (Linux only)
  std::optional<std::string> build_id;        // lower-case hex
  std::optional<int> x86_isa_needed;          // 1 = baseline, 2 = v2, 3 = v3, 4 = v4
};

// An inconsistency the loader never sees: the kernel and ld.so read the program headers and the
// dynamic segment only, so section headers that disagree with them change nothing at run time.
// Each kind is explained in docs/design.md ("Tolerated inconsistencies").
enum class FileNoteKind {
  nobits_past_eof,        // a NOBITS section's sh_offset past the end (Go's linker, some GNU ld)
  section_mismatch,       // a section's offset, size or count differs from the dynamic entry's
  section_without_entry,  // a dynamic-linking section no dynamic entry refers to (empty, extra)
  entry_without_section,  // a dynamic table with no section header describing it
  string_table_mismatch,  // a section's sh_link names another string table than DT_STRTAB
};

struct FileNote {
  FileNoteKind kind = FileNoteKind::section_mismatch;
  std::string detail;  // one line: which section, what it says, what the loader uses
};

// TLS evidence in the file's bytes, as found (load stage); TlsFacts is what it means.
struct TlsMarkers {
  std::optional<std::string> openssl_version;   // "OpenSSL 1.1.1k  25 Mar 2021"
  std::optional<std::string> libressl_version;  // "LibreSSL 3.8.2"
  bool boringssl = false;
  std::optional<std::string> openssldir, enginesdir;
  std::vector<std::string> cert_paths;  // CA files and directories named in the file
  bool env_cert_file = false, env_cert_dir = false;
  bool rustls = false, webpki_roots = false, native_certs = false, openssl_probe = false;
  bool go_crypto_tls = false;
};

// Which TLS stack the file uses and where it looks for CA certificates.
struct TlsFacts {
  std::string stack = "none";    // openssl, boringssl, libressl, gnutls, nss, mbedtls, wolfssl,
                                 // rustls, go, none
  std::string linkage = "none";  // dynamic, static, none
  std::vector<std::string> libraries;  // the TLS sonames among NEEDED
  std::optional<std::string> version;
  std::optional<std::string> openssldir, enginesdir;
  std::vector<std::string> cert_paths;
  std::vector<std::string> env_overrides;  // SSL_CERT_FILE, SSL_CERT_DIR
  std::string roots = "unknown";           // system, embedded, unknown
};

// What a statically linked program carries of its C library.
struct StaticLibc {
  std::string flavour;    // "glibc", or "" when unknown (musl leaves no mark) or not static
  bool uses_nss = false;  // glibc's NSS: dlopens the target's libnss_* modules at run time
};

struct Toolchain {
  std::vector<std::string> compilers;  // .comment lines, deduplicated, in order
  bool rust = false;
  bool go = false;
};

// What the ELF file records, exactly as recorded.
struct ElfFacts {
  ElfClass elf_class = ElfClass::elf64;
  Endianness endianness = Endianness::little;
  std::string machine;  // normalised: x86_64, i386, aarch64, ...
  FileType type = FileType::unknown;
  std::optional<std::string> interpreter;
  std::vector<std::string> needed;
  std::vector<std::string> rpath;
  std::vector<std::string> runpath;
  std::optional<std::string> soname;
  bool bind_now = false;  // DF_BIND_NOW or DF_1_NOW
  bool pie_flag = false;  // DF_1_PIE
  bool has_dynamic = false;
  bool relr = false;  // DT_RELR relocations: needs glibc >= 2.36 or musl >= 1.2.4
  // PT_GNU_STACK: "non-executable", "executable" (PF_X set), "absent" (the loader's default,
  // an executable stack on x86), or "" for files no loader runs.
  std::string stack;
  std::vector<LibraryNeeds> version_needs;
  std::vector<std::string> version_defs;  // names this object defines, in order (without the base)
  std::vector<ImportedSymbol> imports;    // versioned imported symbols, in .dynsym order
  std::vector<std::string> unversioned_imports;
  std::vector<std::string> weak_unversioned_imports;  // those of them that are STB_WEAK
  ElfNotes notes;
  std::vector<FileNote> file_notes;  // tolerated inconsistencies, in the order found
  Toolchain toolchain;
  StaticLibc static_libc;
  TlsMarkers tls_markers;
};

// Derived facts: what the file needs, in the terms rules reason about.
struct Requirements {
  std::map<std::string, SymbolVersion> max;  // family -> highest numbered version needed
  std::vector<std::string> special;          // GLIBC_PRIVATE, GLIBC_ABI_DT_RELR, ...
  std::vector<ImportedSymbol> culprits;      // every versioned import, newest version first
};

struct Facts {
  std::string path;
  ElfFacts elf;
  LibcFlavour libc = LibcFlavour::unknown;
  Requirements requirements;
  std::string release;    // the command-line argument the file was found under
  std::string modified;   // ISO date the file was last modified, when known
  std::string container;  // "release.tgz!/" for an archive member, empty on disk
  // NEEDED sonames the release itself provides, found the way the dynamic loader would
  // (RPATH/RUNPATH with $ORIGIN, $LIB, $PLATFORM), and where: the release's own libraries.
  std::vector<std::string> bundled;
  std::vector<std::string> bundled_paths;  // parallel to `bundled`
  // Versions it needs (not weakly) of a library the release resolved that the library does not
  // define, by library: the loader refuses to start it ("version `NEW_2.0' not found"). A
  // library without version definitions satisfies every need, with a warning.
  std::vector<LibraryNeeds> undefined_versions;
  TlsFacts tls;
};

const char* to_string(ElfClass value);
const char* to_string(Endianness value);
const char* to_string(FileType value);
const char* to_string(LibcFlavour value);
const char* to_id(FileNoteKind value);  // "nobits-past-eof", for reports and JSON

}  // namespace portcheck
