// End-to-end: hostile names through the built portcheck, in every format and on stderr. The
// hostile inputs are made at test time: a fixture whose interpreter, NEEDED and RUNPATH strings
// are overwritten in place with names of the same length, a file named with a newline and ESC,
// and an archive whose member name holds a workflow command.
#include "portcheck/escape.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "output_checks.hpp"
#include "test_support.hpp"

namespace portcheck::test {
namespace {

struct Hostile {
  std::string dir, program, named, archive, not_elf;
  std::string interpreter, needed;  // as written into `program`
  ~Hostile() {
    if (!dir.empty()) run_command("rm -rf " + shell_quote(dir));
  }
};

// `replacement`, cut or padded with `x` to the length of `original`, for every occurrence.
std::string overwrite(std::string& bytes, const std::string& original, std::string replacement) {
  replacement.resize(original.size(), 'x');
  size_t count = 0;
  for (size_t at = bytes.find(original); at != std::string::npos;
       at = bytes.find(original, at + original.size())) {
    bytes.replace(at, original.size(), replacement);
    ++count;
  }
  REQUIRE(count > 0);
  return replacement;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

void make_hostile_inputs(Hostile& h) {
  h.dir = "/tmp/portcheck-escape-" + std::to_string(::getpid());
  REQUIRE(run_command("mkdir -p " + shell_quote(h.dir)).exit_code == 0);
  std::string bytes = read_text(fixture("runpath-multi"));
  h.interpreter =
      overwrite(bytes, "/lib64/ld-linux-x86-64.so.2", "/l\n::error::interp\x1b[2J##[e]");
  h.needed = overwrite(bytes, "libdemo.so.1", "\n::error::\x1b]0");
  overwrite(bytes, "$ORIGIN/lib:/opt/vendor/lib", "\r\n::stop-commands::tok|`<h1>");
  h.program = h.dir + "/hostile-strings";
  write_file(h.program, bytes);
  h.named = h.dir + "/bin\n::error::name\x1b[31m`</code></summary><h1>|x";
  write_file(h.named, read_text(fixture("glibc-2.34")));
  h.not_elf = h.dir + "/note\x1b]0;title\x07\n::warning::x";
  write_file(h.not_elf, "not an ELF file\n");
  // A member name that tar and libarchive keep as written, newline and all.
  h.archive = h.dir + "/release.tar";
  std::string script =
      "import io, sys, tarfile\n"
      "data = open(sys.argv[1], 'rb').read()\n"
      "with tarfile.open(sys.argv[2], 'w', format=tarfile.PAX_FORMAT) as tar:\n"
      "    info = tarfile.TarInfo('bin/x\\n::stop-commands::tok\\x1b[2J')\n"
      "    info.size, info.mode = len(data), 0o755\n"
      "    tar.addfile(info, io.BytesIO(data))\n";
  REQUIRE(run_command("python3 -c " + shell_quote(script) + " " +
                      shell_quote(fixture("glibc-2.34")) + " " + shell_quote(h.archive))
              .exit_code == 0);
}

// Made once for the whole run, removed when the test program ends.
const Hostile& hostile_inputs() {
  static Hostile made;
  if (made.dir.empty()) make_hostile_inputs(made);
  return made;
}

struct Run {
  std::string out, err;
};

Run portcheck_on_hostile(const std::string& format) {
  const Hostile& h = hostile_inputs();
  std::string err_file = h.dir + "/stderr-" + format;
  std::string command = shell_quote(PORTCHECK_BINARY) + " -t rhel-9,debian-12 --format " + format +
                        " " + shell_quote(h.program) + " " + shell_quote(h.named) + " " +
                        shell_quote(h.not_elf) + " " + shell_quote(h.archive) + " 2>" +
                        shell_quote(err_file);
  CommandResult result = run_command(command);
  CHECK(result.exit_code == 3);  // the file that is not ELF
  return {result.out, read_text(err_file)};
}

// stderr: one line per message, each starting with `portcheck: `, nothing raw.
void check_stderr(const std::string& err) {
  check_text(err);
  CHECK(err.find("note\\x1b]0;title\\x07\\n::warning::x: ") != std::string::npos);
  for (const auto& line : lines_of(err)) CHECK(line.rfind("portcheck: ", 0) == 0);
}

}  // namespace

TEST_CASE("hostile names: the text report and stderr show them as data", "[cli]") {
  Run run = portcheck_on_hostile("text");
  check_text(run.out);
  check_stderr(run.err);
  CHECK(run.out.find("interpreter /l\\n::error::interp\\x1b[2J##\\x5be]") != std::string::npos);
  CHECK(run.out.find("runpath     \\r\\n::stop-commands::tok|`<h1") != std::string::npos);
  CHECK(run.out.find("bin\\n::error::name\\x1b[31m") != std::string::npos);
  CHECK(run.out.find("!/bin/x\\n::stop-commands::tok\\x1b[2J") != std::string::npos);
}

TEST_CASE("hostile names: JSON keeps them, SARIF locates them with valid URIs", "[cli]") {
  const Hostile& h = hostile_inputs();
  Run json_run = portcheck_on_hostile("json");
  check_stderr(json_run.err);
  nlohmann::json report;
  REQUIRE_NOTHROW(report = nlohmann::json::parse(json_run.out));
  std::vector<std::string> paths;
  for (const auto& file : report["files"])
    paths.push_back(unescape_json(file["path"].get<std::string>()));
  CHECK(std::find(paths.begin(), paths.end(), h.named) != paths.end());
  CHECK(std::find(paths.begin(), paths.end(), h.not_elf) != paths.end());
  const auto& elf = report["files"][0]["elf"];
  CHECK(elf["interpreter"] == h.interpreter);
  CHECK(elf["needed"][0] == h.needed);

  Run sarif_run = portcheck_on_hostile("sarif");
  nlohmann::json sarif;
  REQUIRE_NOTHROW(sarif = nlohmann::json::parse(sarif_run.out));
  size_t located = 0;
  std::string cwd = std::filesystem::current_path().string();
  for (const auto& result : sarif["runs"][0]["results"]) {
    const auto& where = result["locations"][0]["physicalLocation"]["artifactLocation"];
    std::string path = sarif_location_path(where["uri"], where.contains("uriBaseId"), cwd);
    CHECK(!path.empty());
    located += path == h.named;
  }
  CHECK(located > 0);
}

TEST_CASE("hostile names: GitHub commands and Markdown stay the renderer's own", "[cli]") {
  Run github = portcheck_on_hostile("github");
  check_github(github.out);
  check_stderr(github.err);
  Run markdown = portcheck_on_hostile("markdown");
  check_markdown(markdown.out);
  check_stderr(markdown.err);
  CHECK(markdown.out.find("bin&#92;n&#58;&#58;error&#58;&#58;name&#92;x1b&#91;31m") !=
        std::string::npos);
}

TEST_CASE("hostile names: portcheck diff shows them as data", "[cli]") {
  const Hostile& h = hostile_inputs();
  std::string report = h.dir + "/old.json";
  run_command(shell_quote(PORTCHECK_BINARY) + " --format json -o " + shell_quote(report) + " " +
              shell_quote(h.program) + " 2>/dev/null");
  std::string newer = h.dir + "/new\n::error::diff\x1b[2J";
  write_file(newer, read_text(fixture("glibc-2.34")));
  CommandResult text = run_command(shell_quote(PORTCHECK_BINARY) + " diff " + shell_quote(report) +
                                   " " + shell_quote(newer) + " 2>&1");
  check_text(text.out);
  CHECK(text.out.find("new\\n::error::diff\\x1b[2J") != std::string::npos);
  CommandResult json = run_command(shell_quote(PORTCHECK_BINARY) + " diff --format json " +
                                   shell_quote(report) + " " + shell_quote(newer) + " 2>/dev/null");
  CHECK_NOTHROW(nlohmann::json::parse(json.out));
  CHECK(json.out.find("##[") == std::string::npos);
}

}  // namespace portcheck::test
