#include "portcheck/symbol_version.hpp"

#include <catch2/catch.hpp>

using portcheck::compare_numbers;
using portcheck::parse_symbol_version;

TEST_CASE("version names split into family and numbers", "[facts]") {
  auto glibc = parse_symbol_version("GLIBC_2.17");
  CHECK(glibc.family == "GLIBC");
  CHECK(glibc.numbers == std::vector<int>{2, 17});
  CHECK(parse_symbol_version("GLIBCXX_3.4.21").family == "GLIBCXX");
  CHECK(parse_symbol_version("CXXABI_1.3.9").numbers == std::vector<int>{1, 3, 9});
  CHECK(parse_symbol_version("CXXABI_TM_1").family == "CXXABI_TM");
  CHECK(parse_symbol_version("GCC_4.2.0").number_string() == "4.2.0");
  CHECK(parse_symbol_version("ZLIB_1.2.3.3").numbers.size() == 4);
}

TEST_CASE("OpenSSL's underscore spelling is read as numbers", "[facts]") {
  auto old_style = parse_symbol_version("OPENSSL_1_1_0");
  CHECK(old_style.family == "OPENSSL");
  CHECK(old_style.number_string() == "1.1.0");
  CHECK(parse_symbol_version("OPENSSL_3.0.0").number_string() == "3.0.0");
}

TEST_CASE("versions without a number are kept as what they are", "[facts]") {
  auto secret = parse_symbol_version("GLIBC_PRIVATE");
  CHECK(secret.family == "GLIBC");
  CHECK_FALSE(secret.numbered());
  CHECK_FALSE(parse_symbol_version("GLIBC_ABI_DT_RELR").numbered());
  CHECK(parse_symbol_version("Base").family == "Base");
}

TEST_CASE("versions compare as numbers, not strings", "[facts]") {
  auto v = [](const char* name) { return parse_symbol_version(name).numbers; };
  CHECK(compare_numbers(v("GLIBC_2.9"), v("GLIBC_2.17")) < 0);
  CHECK(compare_numbers(v("GLIBC_2.17"), v("GLIBC_2.34")) < 0);
  CHECK(compare_numbers(v("GLIBC_2.3.4"), v("GLIBC_2.3")) > 0);
  CHECK(compare_numbers(v("GLIBC_2.2.5"), v("GLIBC_2.2.5")) == 0);
}
