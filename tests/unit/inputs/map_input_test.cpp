// Inputs on disk are mapped, not copied: the bytes are the file's, and the loader reads a
// mapped file (through its descriptor) exactly as it reads the same bytes from a buffer.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "portcheck/inputs.hpp"
#include "portcheck/load.hpp"
#include "test_support.hpp"

namespace portcheck::test {
namespace {

// What the loader read, as one text to compare.
std::string describe(const ElfFacts& facts) {
  std::ostringstream out;
  out << facts.machine << ' ' << static_cast<int>(facts.type) << ' '
      << facts.interpreter.value_or("-") << ' ' << facts.soname.value_or("-") << '\n';
  for (const auto& name : facts.needed) out << "needed " << name << '\n';
  for (const auto& library : facts.version_needs) {
    for (const auto& need : library.versions) out << library.library << ' ' << need.name << '\n';
  }
  for (const auto& name : facts.version_defs) out << "defines " << name << '\n';
  for (const auto& import : facts.imports) {
    out << import.name << '@' << import.version << ' ' << import.library << '\n';
  }
  for (const auto& name : facts.unversioned_imports) out << "unversioned " << name << '\n';
  const auto& tls = facts.tls_markers;
  out << facts.toolchain.rust << facts.toolchain.go << facts.static_libc.flavour
      << tls.openssl_version.value_or("-") << tls.openssldir.value_or("-") << tls.rustls
      << tls.go_crypto_tls << '\n';
  for (const auto& path : tls.cert_paths) out << "ca " << path << '\n';
  return out.str();
}

}  // namespace

TEST_CASE("a mapped file holds the file's bytes", "[load]") {
  std::string path = fixture("glibc-2.34");
  Result<FileBytes> mapped = map_input(path);
  Result<InputFile> read = read_input(path);
  REQUIRE(std::holds_alternative<FileBytes>(mapped));
  REQUIRE(std::holds_alternative<InputFile>(read));
  const FileBytes& bytes = std::get<FileBytes>(mapped);
  CHECK(bytes.buffer() == nullptr);
  CHECK(bytes.descriptor() >= 0);
  CHECK(std::vector<uint8_t>(bytes.begin(), bytes.end()) == std::get<InputFile>(read).bytes);
}

TEST_CASE("an empty file, a directory and a missing file", "[load]") {
  char pattern[] = "/tmp/portcheck-map-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  std::string dir = pattern;
  std::string empty = dir + "/empty";
  run_command("touch " + shell_quote(empty));
  Result<FileBytes> mapped = map_input(empty);
  REQUIRE(std::holds_alternative<FileBytes>(mapped));
  CHECK(std::get<FileBytes>(mapped).empty());
  REQUIRE(std::holds_alternative<FileError>(map_input(dir)));
  CHECK(std::get<FileError>(map_input(dir)).kind == ErrorKind::unsupported);
  CHECK(std::get<FileError>(map_input(dir + "/missing")).kind == ErrorKind::not_found);
  run_command("rm -rf " + shell_quote(dir));
}

TEST_CASE("mapped and buffered files load to the same facts", "[load]") {
  for (const char* name : {"glibc-2.34", "cxx-glibcxx-3.4.30", "glibc-multi-lib", "musl-dynamic",
                           "aarch64-dynamic", "libdemo.so.1", "static-glibc-nss", "tls-go-tls",
                           "tls-ca-path-rhel", "tls-static-openssl", "rust-marker"}) {
    INFO(name);
    std::string path = fixture(name);
    Result<FileBytes> mapped = map_input(path);
    REQUIRE(std::holds_alternative<FileBytes>(mapped));
    const FileBytes& bytes = std::get<FileBytes>(mapped);
    Result<ElfFacts> from_map = load_elf(path, bytes);
    Result<ElfFacts> from_buffer = load_elf(path, std::vector<uint8_t>(bytes.begin(), bytes.end()));
    REQUIRE(std::holds_alternative<ElfFacts>(from_map));
    REQUIRE(std::holds_alternative<ElfFacts>(from_buffer));
    CHECK(describe(std::get<ElfFacts>(from_map)) == describe(std::get<ElfFacts>(from_buffer)));
  }
}

}  // namespace portcheck::test
