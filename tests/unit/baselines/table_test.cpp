// The table self-check on the bundled table, and the loader's handling of bad tables.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "portcheck/baseline.hpp"

using namespace portcheck;

namespace {
const BaselineTable& bundled() {
  static const TableResult result = bundled_baselines();
  if (!result.table) FAIL(result.error);
  return *result.table;
}

const char* kMinimalTarget = R"({
  "id": "demo-1", "name": "Demo 1", "family": "demo", "kind": "distro",
  "released": "2020-01-01", "end_of_support": null, "dates_source": "x",
  "architectures": ["x86_64"],
  "libc": {"flavour": "glibc", "version": "2.31", "source": "x"},
  "symbol_versions": {"x86_64": {"GLIBC": "2.31"}, "source": "x"},
  "kernel": {"version": "5.4", "source": "x"},
  "x86_64_isa": {"level": "x86-64", "source": "x"},
  "openssl": {"default": [], "installable": [], "source": "x"},
  "ca": {"files": [], "dirs": [], "source": "x"},
  "interpreters": {"x86_64": "/lib64/ld-linux-x86-64.so.2", "source": "x"},
  "libraries": {"default": ["libc.so.6"], "default_source": "x", "installable": [], "absent": []}
})";

std::string table_with(const std::string& targets) {
  return R"({"schema_version": 1, "table_date": "2026-11-25", "targets": [)" + targets + "]}";
}
}  // namespace

TEST_CASE("the bundled table passes its self-check", "[baselines]") {
  auto problems = check_baselines(bundled());
  for (const auto& problem : problems) UNSCOPED_INFO(problem);
  CHECK(problems.empty());
}

TEST_CASE("the bundled table has every required target", "[baselines]") {
  for (const char* id : {"centos-7",       "rhel-8",         "rhel-9",
                         "rhel-10",        "fedora-41",      "fedora-42",
                         "ubuntu-16.04",   "ubuntu-18.04",   "ubuntu-20.04",
                         "ubuntu-22.04",   "ubuntu-24.04",   "ubuntu-26.04",
                         "debian-10",      "debian-11",      "debian-12",
                         "debian-13",      "amazonlinux-2",  "amazonlinux-2023",
                         "sles-12",        "sles-15",        "opensuse-leap-15.6",
                         "alpine-3.18",    "alpine-3.19",    "alpine-3.20",
                         "alpine-3.21",    "arch",           "manylinux2014",
                         "manylinux_2_28", "manylinux_2_34", "musllinux_1_2"}) {
    INFO(id);
    CHECK(find_target(bundled(), id) != nullptr);
  }
}

TEST_CASE("glibc versions in the table match the releases", "[baselines]") {
  auto glibc = [](const char* id) {
    const Target* target = find_target(bundled(), id);
    REQUIRE(target != nullptr);
    return target->symbol_versions.at("x86_64").at("GLIBC");
  };
  CHECK(glibc("centos-7") == std::vector<int>{2, 17});
  CHECK(glibc("rhel-8") == std::vector<int>{2, 28});
  CHECK(glibc("ubuntu-18.04") == std::vector<int>{2, 27});
  CHECK(glibc("debian-12") == std::vector<int>{2, 36});
  CHECK(glibc("manylinux2014") == std::vector<int>{2, 17});
}

TEST_CASE("a table with a missing fact or a duplicate id is refused", "[baselines]") {
  std::string broken = kMinimalTarget;
  broken.replace(broken.find(R"("kernel")"), 8, R"("kernal")");
  TableResult missing = parse_baselines(table_with(broken), "t.json");
  CHECK_FALSE(missing.table);
  CHECK(missing.error.find("demo-1") != std::string::npos);

  TableResult twice =
      parse_baselines(table_with(std::string(kMinimalTarget) + "," + kMinimalTarget), "t");
  CHECK_FALSE(twice.table);
  CHECK(twice.error == "t: target \"demo-1\" appears twice");
  TableResult once = parse_baselines(table_with(kMinimalTarget), "t");
  REQUIRE(once.table);
  BaselineTable doubled = *once.table;
  doubled.targets.push_back(doubled.targets.front());
  CHECK(check_baselines(doubled) == std::vector<std::string>{"demo-1: duplicate id"});

  std::string bad_version = kMinimalTarget;
  bad_version.replace(bad_version.find(R"("2.31"})"), 6, R"("2.x")");
  CHECK_FALSE(parse_baselines(table_with(bad_version), "t").table);
  CHECK_FALSE(parse_baselines("{not json", "t").table);
}

TEST_CASE("an extension table adds targets and replaces same-id ones", "[baselines]") {
  TableResult extra = parse_baselines(table_with(kMinimalTarget), "t");
  REQUIRE(extra.table);
  BaselineTable merged = merge_baselines(bundled(), *extra.table);
  CHECK(merged.targets.size() == bundled().targets.size() + 1);
  CHECK(check_baselines(merged).empty());
  BaselineTable again = merge_baselines(merged, *extra.table);
  CHECK(again.targets.size() == merged.targets.size());
}

TEST_CASE("supported means not past end of support on the table date", "[baselines]") {
  Target target;
  target.end_of_support = "2026-06-10";
  CHECK_FALSE(is_supported(target, "2026-11-25"));
  CHECK(is_supported(target, "2026-06-10"));
  target.end_of_support.reset();
  CHECK(is_supported(target, "2099-01-01"));
}

TEST_CASE("a table of no targets, or of a target without a usable id, is refused", "[baselines]") {
  TableResult empty = parse_baselines(table_with(""), "t");
  REQUIRE(empty.table);  // an extension may only update openssl_lines
  CHECK(check_baselines(*empty.table) == std::vector<std::string>{"the table has no targets"});
  CHECK(check_baselines(merge_baselines(bundled(), *empty.table)).empty());

  std::string no_id = kMinimalTarget;
  no_id.replace(no_id.find(R"("id")"), 4, R"("ID")");
  TableResult missing = parse_baselines(table_with(no_id), "t");
  CHECK(missing.error == "t: target 1: key 'id' not found");

  for (const char* id : {"", "Demo", "-demo", "de mo", "@demo", "a,b", "a\nb"}) {
    INFO(id);
    std::string bad = kMinimalTarget;
    bad.replace(bad.find(R"("demo-1")"), 8, nlohmann::json(id).dump());
    TableResult parsed = parse_baselines(table_with(bad), "t");
    REQUIRE(parsed.table);
    auto problems = check_baselines(*parsed.table);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("is not of lower-case letters") != std::string::npos);
    CHECK(problems[0].find('\n') == std::string::npos);
  }
}

TEST_CASE("a table of the wrong shape is one line naming what is wrong", "[baselines]") {
  auto error_of = [](const std::string& text) {
    TableResult result = parse_baselines(text, "t.json");
    CHECK_FALSE(result.table);
    CHECK(result.error.find('\n') == std::string::npos);
    return result.error;
  };
  CHECK(error_of("[]") == "t.json: the file must be an object, not an array");
  CHECK(error_of(R"({"schema_version": "1"})") ==
        "t.json: schema_version must be a number, not a string");
  CHECK(error_of(R"({"schema_version": 2})") == "t.json: unsupported schema_version (expected 1)");
  CHECK(error_of(R"({"schema_version": 1, "table_date": "2026-01-01", "replace": "yes",
                     "targets": []})") == "t.json: replace must be true or false, not a string");
  CHECK(error_of(R"({"schema_version": 1, "table_date": "2026-01-01", "targets": {}})") ==
        "t.json: targets must be an array, not an object");
  CHECK(error_of(R"({"schema_version": 1, "table_date": "2026-01-01", "targets": [5]})") ==
        "t.json: target 1: it must be an object, not a number");
  CHECK(error_of("{not json").rfind("t.json: parse error at line 1, column 3: syntax error", 0) ==
        0);
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(error_of(R"({"schema_version": 1, "table_date": "2026-01-01", "targets": )" + deep + "}") ==
        "t.json: nested deeper than 128 levels");
}

TEST_CASE("--baselines files are read only when regular and at most 64 MiB", "[baselines]") {
  CHECK(read_baselines_file("/dev/zero").error ==
        "/dev/zero: cannot read the baseline table: not a regular file");
  CHECK(read_baselines_file("/").error == "/: cannot read the baseline table: is a directory");
  CHECK(read_baselines_file("/nonexistent/t.json").error ==
        "/nonexistent/t.json: cannot read the baseline table: No such file or directory");
}
