// End-to-end: the built portcheck run on fixtures, its output parsed, every exit code exercised.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace portcheck::test {
namespace {

CommandResult portcheck(const std::string& args, const std::string& env = "") {
  return run_command(env + " " + shell_quote(PORTCHECK_BINARY) + " " + args + " 2>/dev/null");
}

std::string stderr_of(const std::string& args) {
  return run_command(shell_quote(PORTCHECK_BINARY) + " " + args + " 2>&1 >/dev/null").out;
}

std::string temp_path(const std::string& name) {
  return "/tmp/portcheck-test-" + std::to_string(::getpid()) + "-" + name;
}

}  // namespace

TEST_CASE("text report: headline with culprits, exit 0", "[cli]") {
  auto result = portcheck("--target rhel-9 " + shell_quote(fixture("glibc-2.34")));
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("needs glibc >= 2.34 because of") != std::string::npos);
  CHECK(result.out.find("__libc_start_main") != std::string::npos);
  CHECK(result.out.find("/lib64/ld-linux-x86-64.so.2") != std::string::npos);
}

TEST_CASE("JSON report: path as named, facts, culprits", "[cli]") {
  std::string named = std::string(PORTCHECK_FIXTURE_DIR) + "/./glibc-2.28";
  auto result = portcheck("--format json -t rhel-8 " + shell_quote(named));
  REQUIRE(result.exit_code == 0);
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["schema_version"] == 1);
  const auto& file = json["files"][0];
  CHECK(file["path"] == named);
  CHECK(file["status"] == "pass");
  CHECK(file["elf"]["type"] == "pie-executable");
  CHECK(file["elf"]["machine"] == "x86_64");
  CHECK(file["requirements"]["max"]["GLIBC"] == "2.28");
  bool found = false;
  for (const auto& culprit : file["requirements"]["culprits"]) {
    found |= culprit["symbol"] == "fcntl64" && culprit["version"] == "GLIBC_2.28" &&
             culprit["library"] == "libc.so.6";
  }
  CHECK(found);
}

TEST_CASE("bad inputs: one-line error each, exit 3, the others still reported", "[cli]") {
  std::string args = "--format json -t centos-7 " + shell_quote(fixture("glibc-2.17")) +
                     " /nonexistent/x " + shell_quote(fixture("not-elf.txt")) + " " +
                     shell_quote(fixture("truncated-half"));
  auto result = portcheck(args);
  CHECK(result.exit_code == 3);
  auto json = nlohmann::json::parse(result.out);
  REQUIRE(json["files"].size() == 4);
  CHECK(json["files"][0]["status"] == "pass");
  CHECK(json["files"][1]["error_kind"] == "not_found");
  CHECK(json["files"][2]["error_kind"] == "not_elf");
  CHECK(json["files"][3]["status"] == "error");
  std::string errors = stderr_of(args);
  CHECK(std::count(errors.begin(), errors.end(), '\n') == 3);
  CHECK(errors.find("/nonexistent/x: not found") != std::string::npos);
  // the text report lists them too, and stderr still has one line each
  std::string text_errors = stderr_of(shell_quote(fixture("not-elf.txt")) + " /nonexistent/x");
  CHECK(std::count(text_errors.begin(), text_errors.end(), '\n') == 2);
}

TEST_CASE("usage errors exit 2", "[cli]") {
  CHECK(portcheck("").exit_code == 2);
  CHECK(portcheck("--format xml /bin/true").exit_code == 2);
  CHECK(portcheck("--no-such-option /bin/true").exit_code == 2);
  CHECK(portcheck("--help").exit_code == 0);
  auto version = portcheck("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out.find("portcheck ") == 0);
  CHECK(version.out.find("(baseline table 2026-") != std::string::npos);
}

TEST_CASE("-o writes the report to a file, never over an input", "[cli]") {
  std::string out = temp_path("report.json");
  auto result =
      portcheck("--format json -t @rhel -o " + out + " " + shell_quote(fixture("glibc-2.17")));
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(nlohmann::json::parse(read_text(out))["files"][0]["status"] == "pass");
  ::unlink(out.c_str());

  std::string copy = temp_path("input");
  run_command("cp " + shell_quote(fixture("glibc-2.17")) + " " + copy);
  std::string before = read_text(copy);
  CHECK(portcheck("-o " + copy + " " + copy).exit_code == 2);
  CHECK(read_text(copy) == before);
  ::unlink(copy.c_str());
}

TEST_CASE("colour only when asked and never with NO_COLOR", "[cli]") {
  std::string file = shell_quote(fixture("glibc-2.17"));
  CHECK(portcheck(file).out.find("\x1b[") == std::string::npos);  // not a terminal
  CHECK(portcheck("--color always " + file).out.find("\x1b[") != std::string::npos);
  CHECK(portcheck("--color always " + file, "NO_COLOR=1").out.find("\x1b[") == std::string::npos);
}

TEST_CASE("a directory or a special file is an error, never a hang", "[cli]") {
  CHECK(portcheck("/dev/zero").exit_code == 3);
  std::string fifo = temp_path("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(portcheck(fifo).exit_code == 3);
  ::unlink(fifo.c_str());
}

}  // namespace portcheck::test

namespace portcheck::test {

TEST_CASE("violations exit 1 with a verdict per target in JSON", "[cli]") {
  auto result = portcheck("--format json --target centos-7,rhel-8 --target ubuntu-18.04 " +
                          shell_quote(fixture("glibc-2.28")));
  CHECK(result.exit_code == 1);
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["targets"] == nlohmann::json({"centos-7", "rhel-8", "ubuntu-18.04"}));
  const auto& file = json["files"][0];
  CHECK(file["status"] == "fail");
  REQUIRE(file["targets"].size() == 3);
  CHECK(file["targets"][0]["id"] == "centos-7");
  CHECK(file["targets"][0]["verdict"] == "fail");
  const auto& finding = file["targets"][0]["findings"][0];
  CHECK(finding["rule"] == "glibc-version");
  CHECK(finding["severity"] == "fail");
  CHECK(finding["culprits"][0] == "fcntl64@GLIBC_2.28");
  CHECK_FALSE(finding["hint"].get<std::string>().empty());
  CHECK(file["targets"][1]["verdict"] == "pass");
  CHECK(file["summary"]["passed"] == nlohmann::json({"rhel-8"}));
  CHECK(json["summary"]["failed"] == 1);
}

TEST_CASE("text matrix: one line per target with the blocking reason", "[cli]") {
  auto result = portcheck("-t centos-7,rhel-8 " + shell_quote(fixture("glibc-2.28")));
  CHECK(result.exit_code == 1);
  CHECK(result.out.find("centos-7") != std::string::npos);
  CHECK(result.out.find("needs glibc 2.28 but centos-7 has 2.17") != std::string::npos);
  CHECK(result.out.find("fix (glibc-version)") != std::string::npos);
}

// musl-glibc-addon warns (musl-glibc-versions) before it fails (needed-library) on Alpine: the
// fail explains the verdict, in the text report and in the Markdown summary alike.
TEST_CASE("text and Markdown give the same reason for a verdict", "[cli]") {
  std::string file = shell_quote(fixture("musl-glibc-addon"));
  auto text = portcheck("-t alpine-3.18 " + file);
  auto markdown = portcheck("-t alpine-3.18 --format markdown " + file);
  CHECK(text.exit_code == 1);
  CHECK(markdown.exit_code == 1);
  const std::string reason = "needs libc.so.6, which alpine-3.18 does not have";
  CHECK(text.out.find("fail    " + reason) != std::string::npos);
  CHECK(markdown.out.find("| alpine-3.18 | fail | " + reason) != std::string::npos);
  CHECK(markdown.out.find("| fail | a musl program") == std::string::npos);
}

TEST_CASE("target groups and unknown targets", "[cli]") {
  auto rhel = nlohmann::json::parse(
      portcheck("--format json -t @rhel " + shell_quote(fixture("glibc-2.17"))).out);
  CHECK(rhel["targets"] == nlohmann::json({"centos-7", "rhel-8", "rhel-9", "rhel-10"}));
  auto all = nlohmann::json::parse(
      portcheck("--format json -t @all " + shell_quote(fixture("glibc-2.17"))).out);
  auto supported =
      nlohmann::json::parse(portcheck("--format json " + shell_quote(fixture("glibc-2.17"))).out);
  CHECK(all["targets"].size() > supported["targets"].size());
  auto unknown = portcheck("-t centos-77 " + shell_quote(fixture("glibc-2.17")));
  CHECK(unknown.exit_code == 2);
  std::string message = stderr_of("-t centos-77 " + shell_quote(fixture("glibc-2.17")));
  CHECK(message.find("valid targets: centos-7") != std::string::npos);
}

TEST_CASE("--fail-on warn turns warnings into a failing run", "[cli]") {
  std::string file = shell_quote(fixture("static-glibc-nss"));
  CHECK(portcheck("-t debian-12 " + file).exit_code == 0);
  CHECK(portcheck("-t debian-12 --fail-on warn " + file).exit_code == 1);
}

TEST_CASE("--list-targets prints the table", "[cli]") {
  auto text = portcheck("--list-targets");
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("ubuntu-24.04") != std::string::npos);
  auto json = nlohmann::json::parse(portcheck("--list-targets --format json").out);
  CHECK(json["targets"].size() >= 30);
  CHECK_FALSE(json["targets"][0]["symbol_versions"]["source"].get<std::string>().empty());
  CHECK(json["openssl_lines"].size() >= 5);
}

TEST_CASE("@supported, the default, counts Debian LTS but not paid extensions", "[cli]") {
  auto report =
      nlohmann::json::parse(portcheck("--format json " + shell_quote(fixture("glibc-2.17"))).out);
  auto chosen = report["targets"].get<std::vector<std::string>>();
  auto has = [&](const char* id) { return std::count(chosen.begin(), chosen.end(), id) == 1; };
  CHECK(has("debian-12"));           // Debian LTS on the table date
  CHECK(has("rhel-8"));              // RHEL maintenance
  CHECK_FALSE(has("debian-11"));     // its LTS ended 2026-08-31; Freexian ELTS is paid
  CHECK_FALSE(has("ubuntu-20.04"));  // Ubuntu Pro ESM
  CHECK_FALSE(has("sles-12"));       // LTSS
  auto list = portcheck("--list-targets");
  CHECK(list.out.find("lts until 2028-06-30") != std::string::npos);
  CHECK(list.out.find("esm (paid) until 2030-04-02") != std::string::npos);
}

TEST_CASE("--baselines extends the table; a broken table is a usage error", "[cli]") {
  std::string table = temp_path("table.json");
  std::string command = "--list-targets --format json --baselines " + table;
  {
    std::ofstream out(table);
    out << R"({"schema_version": 1, "table_date": "2026-11-25", "targets": [{
      "id": "inhouse-1", "name": "In-house 1", "family": "inhouse", "kind": "distro",
      "released": "2024-01-01", "end_of_support": null, "dates_source": "ops wiki",
      "architectures": ["x86_64"],
      "libc": {"flavour": "glibc", "version": "2.30", "source": "ops"},
      "symbol_versions": {"x86_64": {"GLIBC": "2.30"}, "source": "ops"},
      "kernel": {"version": "5.4", "source": "ops"},
      "x86_64_isa": {"level": "x86-64", "source": "ops"},
      "openssl": {"default": [], "installable": [], "source": "ops"},
      "ca": {"files": [], "dirs": [], "source": "ops"},
      "interpreters": {"x86_64": "/lib64/ld-linux-x86-64.so.2", "source": "ops"},
      "libraries": {"default": ["libc.so.6"], "default_source": "ops", "installable": [],
                    "absent": []}}]})";
  }
  auto json = nlohmann::json::parse(portcheck(command).out);
  CHECK(json["targets"].back()["id"] == "inhouse-1");
  auto verdict =
      portcheck("-t inhouse-1 --baselines " + table + " " + shell_quote(fixture("glibc-2.31")));
  CHECK(verdict.exit_code == 1);
  { std::ofstream(table) << "{\"schema_version\": 1}"; }
  CHECK(portcheck(command).exit_code == 2);
  ::unlink(table.c_str());
}

TEST_CASE("--baselines: only a regular file, bounded, sanely nested, with targets", "[cli]") {
  std::string table = temp_path("hostile.json");
  auto error_of = [&](const std::string& file) {
    CommandResult result = run_command(shell_quote(PORTCHECK_BINARY) +
                                       " --list-targets --baselines " + file + " 2>&1 >/dev/null");
    CHECK(result.exit_code == 2);
    return result.out;
  };
  CHECK(error_of("/tmp") == "portcheck: /tmp: cannot read the baseline table: is a directory\n");
  CHECK(error_of("/dev/zero") ==
        "portcheck: /dev/zero: cannot read the baseline table: not a regular file\n");
  { std::ofstream(table) << std::string(1000000, '[') << std::string(1000000, ']'); }
  CHECK(error_of(table) == "portcheck: " + table + ": nested deeper than 128 levels\n");
  ::truncate(table.c_str(), 67108865);
  CHECK(error_of(table) ==
        "portcheck: " + table + ": cannot read the baseline table: larger than 64 MiB\n");
  // A replacement of no targets would pass every file.
  {
    std::ofstream(table) << R"({"schema_version": 1, "table_date": "2026-11-25",
                               "replace": true, "targets": []})";
  }
  CHECK(error_of(table) == "portcheck: " + table + ": the table has no targets\n");
  auto bundled = nlohmann::json::parse(portcheck("--list-targets --format json").out);
  nlohmann::json twice = bundled;
  twice["targets"] = {bundled["targets"][0], bundled["targets"][0]};
  { std::ofstream(table) << twice.dump(); }
  CHECK(error_of(table) == "portcheck: " + table + ": target \"centos-7\" appears twice\n");
  nlohmann::json nameless = bundled;
  nameless["targets"] = {bundled["targets"][0]};
  nameless["targets"][0].erase("id");
  { std::ofstream(table) << nameless.dump(); }
  CHECK(error_of(table) == "portcheck: " + table + ": target 1: key 'id' not found\n");
  nameless["targets"][0]["id"] = "CentOS 7";
  { std::ofstream(table) << nameless.dump(); }
  CHECK(error_of(table) == "portcheck: " + table +
                               ": target id \"CentOS 7\" is not of lower-case letters, digits, "
                               "'.', '_' and '-'\n");
  ::unlink(table.c_str());
}

}  // namespace portcheck::test

namespace portcheck::test {
namespace {

nlohmann::json release_json(const std::string& input, const std::string& extra = "") {
  auto result = portcheck("--format json -t rhel-8,rhel-9 " + extra + " " + shell_quote(input));
  return nlohmann::json::parse(result.out);
}

const nlohmann::json& file_named(const nlohmann::json& json, const std::string& suffix) {
  for (const auto& file : json["files"]) {
    std::string path = file["path"];
    if (path.size() >= suffix.size() &&
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return file;
    }
  }
  FAIL("no file ending in " << suffix);
  throw;
}

}  // namespace

TEST_CASE("a release: the bundled library's needs count, and it is not missing", "[cli]") {
  for (const char* input :
       {"release", "release.tar.gz", "release.zip", "release.deb", "release.rpm", "release-xz.rpm",
        "release.snap", "release.AppImage", "nested.tar.gz"}) {
    INFO(input);
    auto json = release_json(fixture(input));
    const auto& tool = file_named(json, "/bin/tool");
    REQUIRE(tool["loads"].size() == 1);
    CHECK(tool["loads"][0].get<std::string>().find("lib/libnew.so.1") != std::string::npos);
    CHECK(tool["bundled"] == nlohmann::json({"libnew.so.1"}));
    CHECK(tool["targets"][0]["verdict"] == "fail");  // rhel-8: the library needs glibc 2.34
    CHECK(tool["targets"][1]["verdict"] == "pass");  // rhel-9
    for (const auto& target : tool["targets"]) {
      for (const auto& finding : target["findings"]) CHECK(finding["rule"] != "needed-library");
    }
    std::string message = tool["targets"][0]["findings"][0]["message"];
    CHECK(message.find("via ") == 0);
    REQUIRE(json["releases"].size() == 1);
    const auto& release = json["releases"][0];
    CHECK(release["targets"][0]["verdict"] == "fail");
    CHECK(release["targets"][1]["verdict"] == "pass");
    CHECK(release["oldest_per_family"]["rhel"] == "rhel-9");
    // The README; a .deb's debian-binary and control too; a snap's snap.yaml, an AppImage's
    // .desktop file (its copy of the README is not there).
    int skipped = std::string(input) == "release.deb" ? 3 : 1;
    CHECK(json["summary"]["skipped"] == skipped);
  }
}

TEST_CASE("archive paths read archive!/member", "[cli]") {
  auto json = release_json(fixture("nested.tar.gz"));
  std::string path = file_named(json, "/bin/tool")["path"];
  CHECK(path.find("nested.tar.gz!/release.zip!/release/bin/tool") != std::string::npos);
  auto deb = release_json(fixture("release.deb"));
  std::string deb_path = file_named(deb, "/bin/tool")["path"];
  CHECK(deb_path.find("release.deb!/opt/fixture/bin/tool") != std::string::npos);
  auto rpm = release_json(fixture("release.rpm"));
  std::string rpm_path = file_named(rpm, "/bin/tool")["path"];
  CHECK(rpm_path.find("release.rpm!/opt/fixture/bin/tool") != std::string::npos);
  // bin/hardlink-to-tool is the tool's other name: cpio gives the data to the last of them.
  CHECK(rpm["files"].size() == 2);
}

TEST_CASE("an AppImage: its runtime is the file itself, its image's files are members", "[cli]") {
  auto json = release_json(fixture("release.AppImage"));
  REQUIRE(json["files"].size() == 3);
  const auto& runtime = json["files"][0];
  CHECK(runtime["path"] == fixture("release.AppImage"));
  CHECK(runtime["elf"]["type"] == "static-executable");
  CHECK(runtime["targets"][0]["verdict"] == "pass");
  CHECK(json["files"][1]["path"] == fixture("release.AppImage") + "!/usr/bin/tool");
  CHECK(json["files"][1]["loads"] ==
        nlohmann::json({fixture("release.AppImage") + "!/usr/lib/libnew.so.1"}));
  CHECK(json["summary"]["skipped"] == 1);  // the .desktop file; AppRun is a symlink to the tool
  auto snap = release_json(fixture("release.snap"));
  CHECK(snap["files"][0]["path"] == fixture("release.snap") + "!/bin/tool");
  CHECK(snap["summary"]["skipped"] == 1);  // meta/snap.yaml
}

TEST_CASE("snaps and AppImages inside a tarball are opened, one level deep", "[cli]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("portcheck-nest-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string tarball = (dir / "apps.tar.gz").string();
  REQUIRE(run_command("tar -C " + shell_quote(PORTCHECK_FIXTURE_DIR) + " -czf " +
                      shell_quote(tarball) + " release.AppImage release.snap")
              .exit_code == 0);
  auto json = release_json(tarball);
  fs::remove_all(dir);
  REQUIRE(json["files"].size() == 5);
  CHECK(json["files"][0]["path"] == tarball + "!/release.AppImage");
  const auto& tool = file_named(json, "release.AppImage!/usr/bin/tool");
  CHECK(tool["loads"] == nlohmann::json({tarball + "!/release.AppImage!/usr/lib/libnew.so.1"}));
  CHECK(tool["targets"][0]["verdict"] == "fail");
  CHECK(file_named(json, "release.snap!/lib/libnew.so.1")["status"] == "fail");
}

namespace {

// Every file report of a JSON report by its path after `prefix`, with `prefix` and the release
// name written as "@" wherever they appear: the same files read from elsewhere compare equal.
std::map<std::string, std::string> reports_under(const nlohmann::json& report,
                                                 const std::string& prefix,
                                                 const std::string& release) {
  std::map<std::string, std::string> found;
  for (const auto& file : report["files"]) {
    std::string text = file.dump();
    for (const std::string& name : {prefix, "\"" + release + "\""}) {
      std::string with = name == prefix ? "@/" : "\"@\"";
      for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at)) {
        text.replace(at, name.size(), with);
        at += with.size();
      }
    }
    found[file["path"].get<std::string>().substr(prefix.size())] = text;
  }
  return found;
}

}  // namespace

TEST_CASE("a SquashFS image of the fixture directory reports each file as the directory does",
          "[cli]") {
  // Read by the mksquashfs snapcraft and appimagetool run, every file of the image must give the
  // report its copy on disk gives, findings, libraries and verdicts alike.
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("portcheck-image-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string image = (dir / "fixtures.sqfs").string();
  std::string fixtures = PORTCHECK_FIXTURE_DIR;
  REQUIRE(run_command("mksquashfs " + shell_quote(fixtures) + " " + shell_quote(image) +
                      " -noappend -quiet -no-progress -comp gzip >/dev/null")
              .exit_code == 0);
  auto from_image = portcheck("--format json -t @all " + shell_quote(image));
  auto from_dir = portcheck("--format json -t @all " + shell_quote(fixtures));
  fs::remove_all(dir);
  CHECK(from_image.exit_code == from_dir.exit_code);
  auto in_image = reports_under(nlohmann::json::parse(from_image.out), image + "!/", image);
  auto on_disk = reports_under(nlohmann::json::parse(from_dir.out), fixtures + "/", fixtures);
  CHECK(in_image.size() > 100);
  size_t images = 0;
  for (const auto& [path, report] : on_disk) {
    INFO(path);
    // An archive in an archive in the image is one level deeper than portcheck opens, and a
    // container image is one only on disk (in an image, a tar of tars).
    if (path.rfind("nested.tar.gz!/release.zip!/", 0) == 0) continue;
    if (path.rfind("image", 0) == 0) {
      ++images;
      continue;
    }
    auto found = in_image.find(path);
    REQUIRE(found != in_image.end());
    CHECK(found->second == report);
  }
  size_t image_members = 0;
  for (const auto& [path, report] : in_image) image_members += path.rfind("image", 0) == 0;
  CHECK(in_image.size() - image_members == on_disk.size() - images - 2);
}

TEST_CASE("a damaged AppImage or a snap in LZO is an error entry and exit 3", "[cli]") {
  auto broken = portcheck("--format json " + shell_quote(fixture("release-broken.AppImage")));
  CHECK(broken.exit_code == 3);
  auto json = nlohmann::json::parse(broken.out);
  REQUIRE(json["files"].size() == 2);
  CHECK(json["files"][0]["status"] == "pass");  // the runtime, whole
  CHECK(json["files"][1]["error"].get<std::string>().find(
            "malformed: corrupt SquashFS image after the AppImage runtime (at byte ") == 0);
  // Cut inside what the superblock says it uses (bytes_used, offset 40), past every table the
  // reading needs: only the size tells.
  std::ifstream whole(fixture("release.snap"), std::ios::binary);
  std::string snap((std::istreambuf_iterator<char>(whole)), std::istreambuf_iterator<char>());
  REQUIRE(snap.size() >= 96);
  uint64_t used = 0;
  for (int i = 7; i >= 0; --i) used = used << 8 | static_cast<uint8_t>(snap[40 + i]);
  REQUIRE(used > 64);
  REQUIRE(used <= snap.size());
  std::filesystem::path cut = std::filesystem::temp_directory_path() /
                              ("portcheck-cut-" + std::to_string(::getpid()) + ".snap");
  std::ofstream(cut, std::ios::binary) << snap.substr(0, used - 32);
  auto short_snap = portcheck("--format json " + shell_quote(cut.string()));
  std::filesystem::remove(cut);
  CHECK(short_snap.exit_code == 3);
  CHECK(nlohmann::json::parse(short_snap.out)["files"][0]["error"].get<std::string>().find(
            "it is cut short: its superblock gives ") != std::string::npos);
  auto lzo = portcheck("--format json " + shell_quote(fixture("release-lzo.snap")));
  CHECK(lzo.exit_code == 3);
  CHECK(nlohmann::json::parse(lzo.out)["files"][0]["error"].get<std::string>().find(
            "unsupported: the SquashFS image is compressed with LZO") == 0);
}

TEST_CASE("a damaged RPM package is an error entry and exit 3, wherever it is cut", "[cli]") {
  namespace fs = std::filesystem;
  std::ifstream whole(fixture("release.rpm"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(whole)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 8000);
  fs::path cut =
      fs::temp_directory_path() / ("portcheck-cut-" + std::to_string(::getpid()) + ".rpm");
  // In the lead, the signature header, the main header; the payload cut, and one bit flipped in
  // it (zstd as rpmbuild writes it carries no checksum: only the header's digest tells).
  std::string flipped = bytes;
  flipped[7249] = static_cast<char>(flipped[7249] ^ 1);
  const std::pair<std::string, std::string> cases[] = {
      {bytes.substr(0, 90), "the RPM lead is cut short"},
      {bytes.substr(0, 4000), "the package is cut short in its signature header"},
      {bytes.substr(0, 6000), "the package is cut short in its header"},
      {bytes.substr(0, 8000),
       "the RPM payload does not match the SHA-256 payload digest in its header"},
      {flipped, "the RPM payload does not match the SHA-256 payload digest in its header"},
  };
  for (const auto& [content, message] : cases) {
    INFO(message << " (" << content.size() << " bytes)");
    std::ofstream(cut, std::ios::binary) << content;
    auto result = portcheck("--format json " + shell_quote(cut.string()));
    CHECK(result.exit_code == 3);
    auto json = nlohmann::json::parse(result.out);
    REQUIRE(json["files"].size() == 1);
    CHECK(json["files"][0]["error"] == "malformed: corrupt archive: " + message);
  }
  // Met in a directory, a damaged package is an error too, not a file skipped.
  fs::path dir = fs::temp_directory_path() / ("portcheck-rpmdir-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(fixture("glibc-2.17"), dir / "ok");
  fs::rename(cut, dir / "broken.rpm");
  auto in_dir = portcheck("--format json " + shell_quote(dir.string()));
  fs::remove_all(dir);
  CHECK(in_dir.exit_code == 3);
  CHECK(file_named(nlohmann::json::parse(in_dir.out), "/broken.rpm")["status"] == "error");
}

TEST_CASE("a broken archive is an error entry and exit 3", "[cli]") {
  auto result = portcheck("--format json " + shell_quote(fixture("release-broken.tar.gz")));
  CHECK(result.exit_code == 3);
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["files"].back()["status"] == "error");
  CHECK(json["files"].back()["error"].get<std::string>().find("corrupt archive") !=
        std::string::npos);
}

TEST_CASE("--jobs 1 and --jobs 4 print identical reports", "[cli]") {
  std::string inputs = shell_quote(fixture("release")) + " " +
                       shell_quote(fixture("nested.tar.gz")) + " " +
                       shell_quote(std::string(PORTCHECK_FIXTURE_DIR));
  for (const char* format : {"json", "text"}) {
    auto one = portcheck(std::string("--format ") + format + " -t @all --jobs 1 " + inputs);
    auto four = portcheck(std::string("--format ") + format + " -t @all --jobs 4 " + inputs);
    CHECK(one.exit_code == four.exit_code);
    CHECK(one.out == four.out);
    CHECK(one.out.size() > 10000);
  }
}

TEST_CASE("--exclude, symlink loops and the dependency tree", "[cli]") {
  std::string dir = temp_path("tree");
  run_command("mkdir -p " + dir + " && cp -r " + shell_quote(fixture("release")) + " " + dir +
              "/r && ln -s .. " + dir + "/r/lib/loop");
  auto all = release_json(dir + "/r");
  CHECK(all["files"].size() == 2);
  auto excluded = release_json(dir + "/r", "--exclude 'lib*.so.*'");
  CHECK(excluded["files"].size() == 1);
  auto tree = portcheck("--tree -t rhel-9 " + dir + "/r/bin/tool");
  CHECK(tree.out.find("libnew.so.1 => " + dir + "/r/bin/../lib/libnew.so.1") == std::string::npos);
  CHECK(tree.out.find("[bundled]") != std::string::npos);
  CHECK(tree.out.find("libc.so.6 [system]") != std::string::npos);
  run_command("rm -rf " + dir);
}

TEST_CASE("parse errors are one escaped line, never a CI workflow command; exit 2", "[cli]") {
  std::string binary = "timeout 60 " + shell_quote(PORTCHECK_BINARY);
  const std::vector<std::vector<std::string>> hostile = {
      {"--bogus\n::error::opt", "x"},
      {"--format", "x\n::error::fmt", "x"},
      {"-j", "1\n::error::j", "x"},
      {"diff", "--x\n::error::d", "a", "b"},
      {"diff", "--format", "x\n::error::df", "a", "b"},
      {"baseline", "capture", "--x\n::error::b"},
  };
  for (const auto& args : hostile) {
    std::string line;
    for (const auto& arg : args) line += " " + shell_quote(arg);
    CAPTURE(line);
    auto result = run_command(binary + line + " 2>&1 >/dev/null");
    CHECK(result.exit_code == 2);
    CHECK(result.out.rfind("portcheck: ", 0) == 0);
    CHECK(result.out.find("\\n::error::") != std::string::npos);
    CHECK(std::count(result.out.begin(), result.out.end(), '\n') == 2);
    CHECK(result.out.find("\nRun with --help for more information.\n") != std::string::npos);
    CHECK(result.out.find("\n::") == std::string::npos);
  }
  // --help and --version print as before, and say so when stdout cannot take them.
  for (const std::string args : {"--help", "--version", "diff --help", "baseline capture --help"}) {
    CAPTURE(args);
    auto shown = run_command(binary + " " + args + " 2>/dev/null");
    CHECK(shown.exit_code == 0);
    CHECK(!shown.out.empty());
    auto full = run_command(binary + " " + args + " 2>&1 >/dev/full");
    CHECK(full.exit_code == 4);
    CHECK(full.out == "portcheck: stdout: cannot write the report: No space left on device\n");
  }
}

TEST_CASE("baseline capture: a target that cannot be written exits 4", "[cli]") {
  // A root of one C library: capturing a whole host reads every library it has.
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("portcheck-cli-root-" + std::to_string(::getpid()));
  fs::create_directories(root / "lib/x86_64-linux-gnu");
  fs::create_directories(root / "etc");
  fs::copy_file(fixture("stubs/libc.so.6"), root / "lib/x86_64-linux-gnu/libc.so.6");
  std::ofstream(root / "etc/os-release") << "ID=debian\nVERSION_ID=\"12\"\n";
  auto full =
      run_command("timeout 60 " + shell_quote(PORTCHECK_BINARY) + " baseline capture --root " +
                  shell_quote(root.string()) + " 2>&1 >/dev/full");
  fs::remove_all(root);
  CHECK(full.exit_code == 4);
  CHECK(full.out.find("portcheck: stdout: cannot write the report: No space left on device\n") !=
        std::string::npos);
}

}  // namespace portcheck::test
