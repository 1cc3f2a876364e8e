#include <catch2/catch.hpp>

#include "portcheck/derive.hpp"

using namespace portcheck;

TEST_CASE("the highest version per family is chosen numerically", "[facts]") {
  ElfFacts elf;
  elf.version_needs = {
      {"libc.so.6",
       {{"GLIBC_2.9", 2, false},
        {"GLIBC_2.17", 3, false},
        {"GLIBC_2.3.4", 4, false},
        {"GLIBC_PRIVATE", 5, false}}},
      {"libstdc++.so.6",
       {{"GLIBCXX_3.4.9", 6, false}, {"GLIBCXX_3.4.21", 7, false}, {"CXXABI_1.3.9", 8, false}}}};
  elf.imports = {{"memcpy", "GLIBC_2.9", "libc.so.6", false},
                 {"clock_gettime", "GLIBC_2.17", "libc.so.6", false},
                 {"_dl_secret", "GLIBC_PRIVATE", "libc.so.6", false}};
  Requirements requirements = summarize_requirements(elf);
  CHECK(requirements.max.at("GLIBC").name == "GLIBC_2.17");
  CHECK(requirements.max.at("GLIBCXX").name == "GLIBCXX_3.4.21");
  CHECK(requirements.max.at("CXXABI").number_string() == "1.3.9");
  CHECK(requirements.special == std::vector<std::string>{"GLIBC_PRIVATE"});
  REQUIRE(requirements.culprits.size() == 3);
  CHECK(requirements.culprits[0].name == "clock_gettime");  // newest first
}
