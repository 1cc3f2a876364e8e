// Verdicts of real fixtures against the bundled table, and the report's summaries and exit codes.
#include <catch2/catch.hpp>

#include "portcheck/report.hpp"
#include "test_support.hpp"

namespace portcheck::test {
namespace {

const BaselineTable& table() {
  static const TableResult result = bundled_baselines();
  if (!result.table) FAIL(result.error);
  return *result.table;
}

std::vector<const Target*> targets(std::initializer_list<const char*> ids) {
  std::vector<const Target*> selected;
  for (const char* id : ids) {
    const Target* target = find_target(table(), id);
    if (!target) FAIL("no target " << id);
    selected.push_back(target);
  }
  return selected;
}

Verdict verdict(const std::string& fixture_name, const char* id) {
  FileReport file = report_file(facts_of(fixture_name), targets({id}), table(), Gate{});
  return file.targets.at(0).verdict;
}

void expect(const std::string& fixture_name, std::initializer_list<const char*> passing,
            std::initializer_list<const char*> failing) {
  for (const char* id : passing) {
    INFO(fixture_name << " on " << id);
    CHECK(verdict(fixture_name, id) == Verdict::pass);
  }
  for (const char* id : failing) {
    INFO(fixture_name << " on " << id);
    CHECK(verdict(fixture_name, id) == Verdict::fail);
  }
}

}  // namespace

TEST_CASE("a GLIBC_2.28 program: rhel-8 and debian-10 yes, centos-7 and ubuntu-18.04 no",
          "[rules]") {
  expect("glibc-2.28", {"rhel-8", "debian-10", "ubuntu-20.04", "manylinux_2_28", "sles-15"},
         {"centos-7", "ubuntu-18.04", "amazonlinux-2", "manylinux2014", "sles-12"});
}

TEST_CASE("glibc floors across the families", "[rules]") {
  expect("glibc-2.17", {"centos-7", "manylinux2014", "ubuntu-16.04", "amazonlinux-2"}, {});
  expect("glibc-2.34", {"rhel-9", "amazonlinux-2023", "ubuntu-22.04", "manylinux_2_34"},
         {"rhel-8", "ubuntu-20.04", "debian-11", "amazonlinux-2", "manylinux_2_28"});
  expect("glibc-2.35", {"ubuntu-22.04", "debian-12"}, {"rhel-9", "amazonlinux-2023"});
  expect("glibc-2.39", {"ubuntu-24.04", "rhel-10", "debian-13"}, {"debian-12", "sles-15"});
  expect("glibc-2.17", {}, {"alpine-3.21", "musllinux_1_2"});
}

TEST_CASE("libstdc++ floors", "[rules]") {
  expect("cxx-glibcxx-3.4.30", {"ubuntu-22.04", "debian-12"}, {"rhel-9", "ubuntu-20.04"});
  expect("cxx-glibcxx-3.4.19", {"centos-7", "rhel-8"}, {});
}

TEST_CASE("musl and static programs", "[rules]") {
  expect("musl-dynamic", {"alpine-3.21", "musllinux_1_2"}, {"debian-12", "rhel-9"});
  expect("static-glibc", {"alpine-3.21", "centos-7", "debian-12"}, {});
  expect("musl-static", {"alpine-3.21", "centos-7", "debian-12"}, {});
  CHECK(verdict("static-glibc-nss", "debian-12") == Verdict::warn);
  expect("aarch64-static", {"rhel-9", "ubuntu-16.04"}, {});
  expect("i386-stub", {}, {"rhel-9"});  // RHEL 9 has no i686 edition
}

TEST_CASE("GLIBC_PRIVATE fails everywhere", "[rules]") {
  expect("glibc-private", {}, {"rhel-9", "debian-13", "arch"});
}

TEST_CASE("summary: oldest per family, passed list, score; --fail-on warn", "[rules]") {
  auto selected = targets({"centos-7", "rhel-8", "rhel-9", "ubuntu-18.04", "ubuntu-20.04"});
  FileReport file = report_file(facts_of("glibc-2.28"), selected, table(), Gate{});
  CHECK(file.status == FileStatus::fail);
  CHECK(file.summary.oldest_per_family.at("rhel") == "rhel-8");
  CHECK(file.summary.oldest_per_family.at("ubuntu") == "ubuntu-20.04");
  CHECK(file.summary.passed == std::vector<std::string>{"rhel-8", "rhel-9", "ubuntu-20.04"});
  CHECK(file.summary.score == Approx(0.6));

  FileReport warned =
      report_file(facts_of("static-glibc-nss"), targets({"debian-12"}), table(), Gate{});
  CHECK(warned.status == FileStatus::pass);
  FileReport gated =
      report_file(facts_of("static-glibc-nss"), targets({"debian-12"}), table(), Gate{true, {}});
  CHECK(gated.status == FileStatus::fail);
}

TEST_CASE("exit code: errors outrank violations", "[rules]") {
  Report report;
  report.files.push_back(
      report_file(facts_of("glibc-2.17"), targets({"centos-7"}), table(), Gate{}));
  report.summary = summarize_run(report.files);
  CHECK(exit_code(report) == exit_ok);
  report.files.push_back(
      report_file(facts_of("glibc-2.39"), targets({"centos-7"}), table(), Gate{}));
  report.summary = summarize_run(report.files);
  CHECK(exit_code(report) == exit_violations);
  report.files.push_back(
      report_file(FileError{"x", ErrorKind::not_elf, "no"}, {}, table(), Gate{}));
  report.summary = summarize_run(report.files);
  CHECK(exit_code(report) == exit_input_error);
}

}  // namespace portcheck::test

namespace portcheck::test {

TEST_CASE("CA locations: the RHEL path works on RHEL only, the Debian path on Debian", "[rules]") {
  expect("tls-ca-path-rhel", {"rhel-9", "centos-7", "amazonlinux-2023"},
         {"debian-12", "ubuntu-24.04"});
  expect("tls-ca-path-debian", {"debian-12", "ubuntu-24.04"}, {"rhel-9", "sles-15"});
}

// The debian:11 image and the rhel-8 inventory (almalinux:8) have OpenSSL 1.1; the ubuntu:20.04
// image has no OpenSSL at all.
TEST_CASE("a libssl.so.1.1 consumer: debian-11 pass, ubuntu-20.04 warn, debian-12 fail",
          "[rules]") {
  CHECK(verdict("openssl-1.1-consumer", "debian-11") == Verdict::pass);
  CHECK(verdict("openssl-1.1-consumer", "rhel-8") == Verdict::pass);
  CHECK(verdict("openssl-1.1-consumer", "ubuntu-20.04") == Verdict::warn);
  CHECK(verdict("openssl-1.1-consumer", "rhel-9") == Verdict::warn);
  CHECK(verdict("openssl-1.1-consumer", "debian-12") == Verdict::fail);
}

TEST_CASE("TLS stacks that carry or find their roots pass everywhere they load", "[rules]") {
  expect("tls-rustls-webpki", {"debian-12", "rhel-9", "alpine-3.22", "sles-15"}, {});
  expect("tls-rustls-native", {"debian-12", "rhel-9", "alpine-3.22", "sles-15"}, {});
  expect("tls-go-tls", {"debian-12", "rhel-9", "alpine-3.22", "sles-15"}, {});
  expect("tls-static-openssl", {}, {"debian-12", "rhel-9"});
}

}  // namespace portcheck::test

namespace portcheck::test {

TEST_CASE("pitfalls: libpthread stubs, DT_RELR, executable stacks, aarch64 version sets",
          "[rules]") {
  // linked before glibc 2.34: libpthread.so.0 is still shipped, as a stub
  expect("old-pthread", {"centos-7", "debian-13", "ubuntu-26.04"}, {});
  // DT_RELR with its GLIBC_ABI_DT_RELR need: glibc 2.36 or later
  expect("glibc-relr", {"debian-12", "rhel-10"}, {"centos-7", "rhel-9", "ubuntu-22.04"});
  // DT_RELR on musl: 1.2.4 applies it, the musllinux_1_2 policy only promises 1.2
  expect("musl-relr", {"alpine-3.18", "alpine-3.22"}, {"musllinux_1_2"});
  // an executable stack: glibc 2.41 refuses to dlopen such a library
  expect("libexecstack.so", {}, {"debian-13", "arch"});
  CHECK(verdict("libexecstack.so", "debian-12") == Verdict::warn);
  // aarch64's glibc 2.17 already has GLIBC_2.18 symbols, but not __cxa_thread_atexit_impl,
  // which manylinux2014's blacklist refuses (pypa/auditwheel#655)
  expect("aarch64-glibc-2.18", {"centos-7"}, {"manylinux2014"});
  // ISA level markers: RHEL 9 guarantees v2, RHEL 10 v3
  expect("isa-v3", {"rhel-10"}, {"rhel-9", "debian-12"});
  expect("isa-v2", {"rhel-9"}, {"debian-12"});
}

TEST_CASE("the GLIBC_ABI_DT_RELR message names 2.36", "[rules]") {
  FileReport file = report_file(facts_of("glibc-relr"), targets({"centos-7"}), table(), Gate{});
  const auto& finding = file.targets.at(0).findings.at(0);
  CHECK(finding.message.find("needs glibc 2.36 but centos-7 has 2.17") != std::string::npos);
}

}  // namespace portcheck::test

namespace portcheck::test {

TEST_CASE("a table more than a year older than the newest file says so", "[rules]") {
  std::vector<FileReport> files(2);
  files[0].facts = Facts{};
  files[0].facts->modified = "2027-11-25";
  files[0].path = "old";
  CHECK_FALSE(stale_table_notice("2026-11-25", files).has_value());
  files[1].facts = Facts{};
  files[1].facts->modified = "2027-11-26";
  files[1].path = "new";
  auto notice = stale_table_notice("2026-11-25", files);
  REQUIRE(notice.has_value());
  CHECK(notice->find("new (2027-11-26)") != std::string::npos);
}

}  // namespace portcheck::test

namespace portcheck::test {

TEST_CASE("weak needs warn, weak symbol references do not make a need optional", "[rules]") {
  // vna_flags VER_FLG_WEAK on GLIBC_2.33 and GLIBC_2.34: the loader only warns
  CHECK(verdict("glibc-weak-need", "rhel-8") == Verdict::warn);
  // a weak reference to a GLIBC_2.34 symbol, need not flagged: the loader still refuses
  CHECK(verdict("glibc-weak", "centos-7") == Verdict::fail);
}

TEST_CASE("a musl program carrying GLIBC_ needs is reported on musl targets", "[rules]") {
  FileReport file =
      report_file(facts_of("musl-glibc-addon"), targets({"alpine-3.22"}), table(), Gate{});
  bool reported = false;
  for (const auto& finding : file.targets.at(0).findings) {
    reported |= finding.rule == "musl-glibc-versions";
  }
  CHECK(reported);
}

}  // namespace portcheck::test
