// A damaged file must never look healthy: every damaged fixture is an error of the expected kind,
// never a shorter list of requirements.
#include <catch2/catch.hpp>

#include "portcheck/load.hpp"
#include "test_support.hpp"

namespace portcheck::test {

TEST_CASE("damaged and foreign files are errors of the right kind", "[damaged]") {
  struct Case {
    const char* fixture;
    ErrorKind kind;
  };
  const Case cases[] = {
      {"not-elf.txt", ErrorKind::not_elf},
      {"empty", ErrorKind::not_elf},
      {"elf-magic-only", ErrorKind::truncated},
      {"truncated-header", ErrorKind::truncated},
      {"truncated-after-ehdr", ErrorKind::truncated},
      {"truncated-half", ErrorKind::truncated},
      {"truncated-before-dynamic", ErrorKind::truncated},
      {"truncated-dynstr", ErrorKind::truncated},
      {"corrupt-phoff", ErrorKind::truncated},
      {"corrupt-dynamic-offset", ErrorKind::truncated},
      {"corrupt-verneed-next", ErrorKind::malformed},
      {"corrupt-verneed-count", ErrorKind::malformed},
      {"corrupt-versym-index", ErrorKind::malformed},
      {"corrupt-class", ErrorKind::malformed},
      {"corrupt-shoff", ErrorKind::truncated},
  };
  for (const auto& c : cases) {
    INFO(c.fixture);
    Result<ElfFacts> loaded = load_file(fixture(c.fixture));
    const auto* error = std::get_if<FileError>(&loaded);
    REQUIRE(error != nullptr);
    CHECK(to_string(error->kind) == std::string(to_string(c.kind)));
    CHECK(error->message.find('\n') == std::string::npos);
    CHECK_FALSE(error->message.empty());
  }
}

TEST_CASE("every cut of a good file is an error or the whole truth", "[damaged]") {
  // Cut a good fixture at every 97th byte: each prefix must fail to load, since every prefix is
  // shorter than what the file's own headers describe.
  std::string good = read_text(fixture("glibc-2.34"));
  REQUIRE(good.size() > 1000);
  for (size_t length = 0; length < good.size(); length += 97) {
    std::vector<uint8_t> bytes(good.begin(), good.begin() + static_cast<long>(length));
    INFO("prefix of " << length << " bytes");
    CHECK(std::holds_alternative<FileError>(load_elf("cut", bytes)));
  }
}

}  // namespace portcheck::test
