// The loader on fixtures built from source (fixtures/README.md lists what each must yield).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>

#include "portcheck/load.hpp"
#include "test_support.hpp"

namespace portcheck::test {
namespace {

std::vector<std::string> versions_from(const Facts& facts, const std::string& library) {
  std::vector<std::string> names;
  for (const auto& needs : facts.elf.version_needs) {
    if (needs.library != library) continue;
    for (const auto& need : needs.versions) names.push_back(need.name);
  }
  return names;
}

bool has_import(const Facts& facts, const std::string& symbol, const std::string& version,
                const std::string& library) {
  for (const auto& import : facts.elf.imports) {
    if (import.name == symbol && import.version == version && import.library == library)
      return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a glibc stub consumer: header, interpreter, needs, culprits", "[load]") {
  Facts facts = facts_of("glibc-2.34");
  CHECK(facts.elf.elf_class == ElfClass::elf64);
  CHECK(facts.elf.endianness == Endianness::little);
  CHECK(facts.elf.machine == "x86_64");
  CHECK(facts.elf.type == FileType::pie_executable);
  CHECK(facts.elf.interpreter == std::optional<std::string>("/lib64/ld-linux-x86-64.so.2"));
  CHECK(facts.libc == LibcFlavour::glibc);
  CHECK(facts.elf.needed == std::vector<std::string>{"libc.so.6"});
  CHECK(facts.requirements.max.at("GLIBC").name == "GLIBC_2.34");
  CHECK(has_import(facts, "__libc_start_main", "GLIBC_2.34", "libc.so.6"));
  CHECK(has_import(facts, "pthread_create", "GLIBC_2.34", "libc.so.6"));
}

TEST_CASE("each glibc fixture needs exactly the version in its name", "[load]") {
  for (const char* version : {"2.17", "2.28", "2.31", "2.34", "2.35", "2.38", "2.39"}) {
    INFO(version);
    Facts facts = facts_of(std::string("glibc-") + version);
    CHECK(facts.requirements.max.at("GLIBC").number_string() == version);
  }
}

TEST_CASE("GLIBC_PRIVATE is kept as what it is", "[load]") {
  Facts facts = facts_of("glibc-private");
  CHECK(facts.requirements.special == std::vector<std::string>{"GLIBC_PRIVATE"});
  bool bound = false;
  for (const auto& import : facts.elf.imports) bound |= import.version == "GLIBC_PRIVATE";
  CHECK(bound);
}

TEST_CASE("versions are attributed to the library that must provide them", "[load]") {
  Facts facts = facts_of("glibc-multi-lib");
  CHECK(facts.elf.needed == std::vector<std::string>{"libm.so.6", "libz.so.1", "libc.so.6"});
  CHECK(has_import(facts, "exp", "GLIBC_2.29", "libm.so.6"));
  CHECK(facts.requirements.max.at("ZLIB").number_string() == "1.2.9");
  auto libm = versions_from(facts, "libm.so.6");
  auto libc = versions_from(facts, "libc.so.6");
  CHECK(std::find(libm.begin(), libm.end(), "GLIBC_2.2.5") != libm.end());
  CHECK(std::find(libc.begin(), libc.end(), "GLIBC_2.2.5") != libc.end());
}

TEST_CASE("libstdc++ and libgcc families", "[load]") {
  Facts facts = facts_of("cxx-glibcxx-3.4.30");
  CHECK(facts.requirements.max.at("GLIBCXX").number_string() == "3.4.30");
  CHECK(facts.requirements.max.at("CXXABI").number_string() == "1.3.13");
  CHECK(facts.requirements.max.count("GCC") == 1);
  Facts old = facts_of("cxx-glibcxx-3.4.19");
  CHECK(old.requirements.max.at("GLIBCXX").number_string() == "3.4.19");
  CHECK(old.requirements.max.at("CXXABI").number_string() == "1.3.7");
}

TEST_CASE("a shared library: soname and version definitions", "[load]") {
  Facts facts = facts_of("libdemo.so.1");
  CHECK(facts.elf.type == FileType::shared_library);
  CHECK(facts.elf.soname == std::optional<std::string>("libdemo.so.1"));
  CHECK(facts.elf.version_defs == std::vector<std::string>{"DEMO_1.0", "DEMO_2.0"});
  CHECK_FALSE(facts.elf.interpreter.has_value());
}

TEST_CASE("RPATH and RUNPATH, split and in order", "[load]") {
  CHECK(facts_of("uses-libdemo").elf.runpath == std::vector<std::string>{"$ORIGIN/../lib"});
  Facts rpath = facts_of("rpath-build-dir");
  CHECK(rpath.elf.rpath ==
        std::vector<std::string>{"/home/builder/project/build/lib", "/tmp/deps"});
  CHECK(rpath.elf.runpath.empty());
  CHECK(facts_of("runpath-multi").elf.runpath ==
        std::vector<std::string>{"$ORIGIN/lib", "/opt/vendor/lib"});
  CHECK(has_import(facts_of("uses-libdemo"), "demo_new", "DEMO_2.0", "libdemo.so.1"));
}

TEST_CASE("flags and notes", "[load]") {
  CHECK(facts_of("bind-now").elf.bind_now);
  CHECK(facts_of("isa-v3").elf.notes.x86_isa_needed == std::optional<int>(3));
  CHECK(facts_of("isa-v2").elf.notes.x86_isa_needed == std::optional<int>(2));
  CHECK(facts_of("abi-tag-3.2").elf.notes.abi_tag_kernel == std::optional<std::string>("3.2.0"));
  CHECK(facts_of("glibc-2.34").elf.notes.build_id.has_value());
}

TEST_CASE("file types", "[load]") {
  CHECK(facts_of("exec-nopie").elf.type == FileType::executable);
  CHECK(facts_of("static-glibc").elf.type == FileType::static_executable);
  CHECK(facts_of("static-glibc").libc == LibcFlavour::static_linked);
  CHECK(facts_of("static-pie-glibc").elf.type == FileType::static_pie);
  CHECK(facts_of("relocatable.o").elf.type == FileType::relocatable);
  CHECK(facts_of("libnolibc.so").libc == LibcFlavour::none);
}

TEST_CASE("musl, dynamic and static", "[load]") {
  Facts dynamic = facts_of("musl-dynamic");
  CHECK(dynamic.libc == LibcFlavour::musl);
  CHECK(dynamic.elf.interpreter == std::optional<std::string>("/lib/ld-musl-x86_64.so.1"));
  CHECK(dynamic.elf.needed == std::vector<std::string>{"libc.so"});
  CHECK(facts_of("musl-static").libc == LibcFlavour::static_linked);
}

TEST_CASE("another architecture: aarch64", "[load]") {
  Facts facts = facts_of("aarch64-dynamic");
  CHECK(facts.elf.machine == "aarch64");
  CHECK(facts.elf.interpreter == std::optional<std::string>("/lib/ld-linux-aarch64.so.1"));
  CHECK(facts.libc == LibcFlavour::glibc);
  CHECK(facts.requirements.max.count("GLIBC") == 1);
  CHECK(facts_of("aarch64-static").elf.type == FileType::static_executable);
}

TEST_CASE("toolchain markers", "[load]") {
  CHECK(facts_of("rust-marker").elf.toolchain.rust);
  CHECK_FALSE(facts_of("rust-marker").elf.toolchain.go);
  CHECK(facts_of("go-marker").elf.toolchain.go);
  CHECK_FALSE(facts_of("glibc-2.34").elf.toolchain.rust);
}

}  // namespace portcheck::test

namespace portcheck::test {

TEST_CASE("a stripped binary names the same culprits, from .dynsym and .gnu.version", "[load]") {
  Facts stripped = facts_of("glibc-2.34-stripped");
  Facts original = facts_of("glibc-2.34");
  REQUIRE_FALSE(stripped.requirements.culprits.empty());
  REQUIRE(stripped.requirements.culprits.size() == original.requirements.culprits.size());
  for (size_t i = 0; i < original.requirements.culprits.size(); ++i) {
    CHECK(stripped.requirements.culprits[i].name == original.requirements.culprits[i].name);
    CHECK(stripped.requirements.culprits[i].version == original.requirements.culprits[i].version);
  }
}

TEST_CASE("stack, RELR and ISA facts", "[load]") {
  CHECK(facts_of("libexecstack.so").elf.stack == "executable");
  CHECK(facts_of("glibc-2.34").elf.stack == "non-executable");
  CHECK(facts_of("relocatable.o").elf.stack.empty());
  CHECK(facts_of("musl-relr").elf.relr);
  CHECK(facts_of("glibc-relr").requirements.special ==
        std::vector<std::string>{"GLIBC_ABI_DT_RELR"});
  CHECK_FALSE(facts_of("glibc-2.34").elf.notes.x86_isa_needed.has_value());  // unknown, not v1
}

}  // namespace portcheck::test

namespace portcheck::test {
namespace {

std::vector<std::string> note_kinds(const Facts& facts) {
  std::vector<std::string> kinds;
  for (const auto& note : facts.elf.file_notes) kinds.push_back(to_id(note.kind));
  return kinds;
}

bool has_note(const Facts& facts, const std::string& kind) {
  auto kinds = note_kinds(facts);
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace

TEST_CASE("healthy files whose section headers the loader never reads load, with notes", "[load]") {
  SECTION("Go, static: .noptrbss (NOBITS) starts past the end of the file") {
    Facts facts = facts_of("go-static");
    CHECK(facts.elf.type == FileType::static_executable);
    CHECK(facts.elf.toolchain.go);
    CHECK(note_kinds(facts) == std::vector<std::string>{"nobits-past-eof"});
  }
  SECTION("Go, -buildmode=pie with the internal linker") {
    Facts facts = facts_of("go-pie");
    CHECK(facts.elf.type == FileType::pie_executable);
    CHECK(facts.elf.version_needs.empty());
    CHECK(has_note(facts, "nobits-past-eof"));
  }
  SECTION("empty .gnu.version_r and .gnu.version, no DT_VERNEED or DT_VERSYM") {
    Facts facts = facts_of("empty-verneed");
    CHECK(facts.elf.version_needs.empty());
    CHECK(facts.elf.imports.empty());
    CHECK(has_note(facts, "section-without-entry"));
  }
  SECTION("glibc 2.0/2.1-era i386: .dynamic larger than PT_DYNAMIC") {
    Facts facts = facts_of("i386-old-dynamic");
    CHECK(facts.elf.machine == "i386");
    CHECK(versions_from(facts, "libc.so.6") == std::vector<std::string>{"GLIBC_2.1", "GLIBC_2.0"});
    CHECK(note_kinds(facts) == std::vector<std::string>{"section-mismatch"});
  }
  SECTION("prelinked: prelink's dynamic tags, .dynamic smaller than PT_DYNAMIC") {
    Facts facts = facts_of("prelinked");
    CHECK(facts.requirements.max.at("GLIBC").name == "GLIBC_2.34");
    CHECK(note_kinds(facts) == std::vector<std::string>{"section-mismatch"});
  }
  SECTION("files without inconsistencies carry no notes") {
    CHECK(facts_of("go-cgo").elf.file_notes.empty());
    CHECK(facts_of("glibc-2.34").elf.file_notes.empty());
    CHECK(facts_of("rust-static-pie").elf.type == FileType::static_pie);
  }
}

TEST_CASE("esbuild 0.24 for linux-x64 and linux-arm64 loads (real binaries)", "[load]") {
  // Fetched from the npm registry by scripts/fetch-real-binaries.sh (install-deps.sh --test).
  const char* cache = std::getenv("PORTCHECK_REAL_BINARIES");
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  std::string base = xdg ? xdg : std::string(std::getenv("HOME")) + "/.cache";
  std::string dir = cache ? cache : base + "/portcheck-fixtures";
  for (const char* name : {"esbuild-linux-x64-0.24.0", "esbuild-linux-arm64-0.24.0"}) {
    INFO(dir << "/" << name << " (run scripts/fetch-real-binaries.sh)");
    Result<ElfFacts> loaded = load_file(dir + "/" + name);
    const auto* error = std::get_if<FileError>(&loaded);
    if (error) INFO(error->message);
    REQUIRE(error == nullptr);
    const ElfFacts& elf = std::get<ElfFacts>(loaded);
    CHECK(elf.type == FileType::static_executable);
    CHECK(elf.toolchain.go);
    REQUIRE(elf.file_notes.size() == 1);
    CHECK(elf.file_notes[0].kind == FileNoteKind::nobits_past_eof);
  }
}

TEST_CASE("copy-relocated data objects are imports bound to their versions", "[load]") {
  Facts facts = facts_of("copy-reloc");
  CHECK(has_import(facts, "__libc_single_threaded", "GLIBC_2.32", "libc.so.6"));
  CHECK(has_import(facts, "stdout", "GLIBC_2.2.5", "libc.so.6"));
  bool copied = false;
  for (const auto& import : facts.elf.imports) copied |= import.copied && import.name == "stdout";
  CHECK(copied);
}

TEST_CASE("programs of other systems are unsupported, not malformed", "[load]") {
  std::string bytes = read_text(fixture("glibc-2.34"));
  std::vector<uint8_t> freebsd(bytes.begin(), bytes.end());
  freebsd[7] = 9;  // ELFOSABI_FREEBSD
  Result<ElfFacts> loaded = load_elf("freebsd", FileBytes(std::move(freebsd)));
  REQUIRE(std::holds_alternative<FileError>(loaded));
  CHECK(std::get<FileError>(loaded).kind == ErrorKind::unsupported);
  CHECK(std::get<FileError>(loaded).message == "not a Linux program (ELFOSABI 9)");
}

}  // namespace portcheck::test
