// portcheck checked by itself. A portable build (cmake/Portable.cmake) is fully static and must
// pass every x86_64 target of the table, glibc and musl alike, without a warning. A plain build
// links the build machine's libraries and is not checked.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "portcheck/baseline.hpp"
#include "test_support.hpp"

namespace portcheck::test {
namespace {

// What glibc's NSS would bring into a static program: none of it may be linked.
bool nss_symbol(const std::string& name) {
  static const std::set<std::string> kNss{
      "getaddrinfo", "gethostbyname", "gethostbyname_r", "gethostbyaddr", "getpwnam",
      "getpwnam_r",  "getpwuid",      "getpwuid_r",      "getgrnam",      "getgrnam_r",
      "getgrgid",    "getgrgid_r",    "getgrouplist",    "initgroups"};
  return kNss.count(name) > 0 || name.rfind("__nss_", 0) == 0;
}

std::vector<std::string> defined_nss_symbols(const std::string& binary) {
  auto symbols = run_command(shell_quote(PORTCHECK_READELF) + " -sW " + shell_quote(binary));
  std::vector<std::string> found;
  std::istringstream lines(symbols.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string num, value, size, type, bind, vis, ndx, name;
    if (!(fields >> num >> value >> size >> type >> bind >> vis >> ndx >> name)) continue;
    if (ndx != "UND" && type == "FUNC" && nss_symbol(name)) found.push_back(name);
  }
  return found;
}

}  // namespace

TEST_CASE("a portable portcheck passes every x86_64 target, glibc and musl", "[selfaudit]") {
  if (!PORTCHECK_STATIC_BUILD) {
    WARN(
        "skipped: this build is not fully static (PORTCHECK_STATIC off), so it depends on "
        "the build machine's glibc and cannot run on musl targets");
    return;
  }
  static const TableResult table = bundled_baselines();
  REQUIRE(table.table);
  std::string ids;
  for (const auto& target : table.table->targets) {
    const auto& archs = target.architectures;
    if (std::find(archs.begin(), archs.end(), "x86_64") == archs.end()) continue;
    ids += (ids.empty() ? "" : ",") + target.id;
  }
  std::string binary = PORTCHECK_BINARY;
  auto result = run_command(shell_quote(binary) + " --format json -t " + ids + " " +
                            shell_quote(binary) + " 2>/dev/null");
  auto report = nlohmann::json::parse(result.out);
  const auto& file = report["files"].at(0);
  CHECK(file["elf"]["needed"].empty());
  size_t checked = 0;
  for (const auto& verdict : file["targets"]) {
    ++checked;
    for (const auto& finding : verdict["findings"]) {
      std::string rule = finding["rule"];
      INFO(verdict["id"].get<std::string>()
           << ": " << rule << ": " << finding["message"].get<std::string>());
      // Only notes: the CA paths of the bundled table are in its bytes (ca-bundle, info).
      CHECK(finding["severity"] == "info");
    }
  }
  CHECK(checked == static_cast<size_t>(std::count(ids.begin(), ids.end(), ',') + 1));
  // And the NSS code itself is not linked.
  CHECK(defined_nss_symbols(binary).empty());
}

}  // namespace portcheck::test
