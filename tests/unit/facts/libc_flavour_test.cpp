#include <catch2/catch.hpp>

#include "portcheck/derive.hpp"

using namespace portcheck;

namespace {
ElfFacts dynamic_executable(const char* interpreter, std::vector<std::string> needed) {
  ElfFacts elf;
  elf.type = FileType::pie_executable;
  if (interpreter) elf.interpreter = interpreter;
  elf.needed = std::move(needed);
  return elf;
}
}  // namespace

TEST_CASE("the interpreter decides the C library", "[facts]") {
  CHECK(detect_libc(dynamic_executable("/lib64/ld-linux-x86-64.so.2", {"libc.so.6"})) ==
        LibcFlavour::glibc);
  CHECK(detect_libc(dynamic_executable("/lib/ld-musl-x86_64.so.1", {"libc.so"})) ==
        LibcFlavour::musl);
  CHECK(detect_libc(dynamic_executable("/lib64/ld64.so.2", {})) == LibcFlavour::glibc);
  // gcompat-style: a musl loader with glibc sonames is still a musl program
  CHECK(detect_libc(dynamic_executable("/lib/ld-musl-aarch64.so.1", {"libc.so.6"})) ==
        LibcFlavour::musl);
}

TEST_CASE("NEEDED and versions decide when there is no interpreter", "[facts]") {
  ElfFacts library = dynamic_executable(nullptr, {"libc.musl-x86_64.so.1"});
  library.type = FileType::shared_library;
  CHECK(detect_libc(library) == LibcFlavour::musl);
  library.needed = {"libm.so.6", "libc.so.6"};
  CHECK(detect_libc(library) == LibcFlavour::glibc);
  library.needed = {};
  CHECK(detect_libc(library) == LibcFlavour::none);
  library.version_needs = {{"libfoo.so.1", {{"GLIBC_2.17", 2, false}}}};
  CHECK(detect_libc(library) == LibcFlavour::glibc);
}

TEST_CASE("static files are static whatever else they carry", "[facts]") {
  ElfFacts elf;
  elf.type = FileType::static_pie;
  CHECK(detect_libc(elf) == LibcFlavour::static_linked);
  elf.type = FileType::relocatable;
  CHECK(detect_libc(elf) == LibcFlavour::none);
  elf.type = FileType::executable;
  CHECK(detect_libc(elf) == LibcFlavour::unknown);
}
