// End-to-end: inputs made to hurt (archives that would run programs or fill memory, names
// that fool path handling, directories that cannot be searched) and outputs that cannot be
// written. Each run is bounded in time (timeout) and memory (ulimit -v); none may abort.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace portcheck::test {
namespace {

// Large enough to be over a 96 MiB budget's member limit, small enough to build in a second.
constexpr int kBigMemberMiB = 200;

// AddressSanitizer reserves terabytes of address space: its builds run without the limit.
constexpr bool kSanitized = PORTCHECK_SANITIZED;

std::string bounded(const std::string& command, int memory_kib = 2 << 20) {
  std::string limit = kSanitized ? "" : "ulimit -v " + std::to_string(memory_kib) + "; ";
  return limit + "timeout 60 env " + command;
}

// stdout and stderr together, and the exit code.
CommandResult portcheck_all(const std::string& args, const std::string& env = "",
                            int memory_kib = 2 << 20) {
  return run_command(
      bounded(env + " " + shell_quote(PORTCHECK_BINARY) + " " + args + " 2>&1", memory_kib));
}

CommandResult portcheck_out(const std::string& args) {
  return run_command(bounded(shell_quote(PORTCHECK_BINARY) + " " + args + " 2>/dev/null"));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A scratch directory of this test process, emptied at first use.
std::string scratch(const std::string& name) {
  std::string dir = "/tmp/portcheck-hostile-" + std::to_string(::getpid()) + "/" + name;
  run_command("rm -rf " + shell_quote(dir) + " && mkdir -p " + shell_quote(dir));
  return dir;
}

// The archives of tests/cli/make_hostile_archives.py, made once per test process.
const std::string& hostile_archives() {
  static const std::string dir = [] {
    std::string out = scratch("archives");
    auto made = run_command(
        "python3 " +
        shell_quote(std::string(PORTCHECK_SOURCE_DIR) + "/tests/cli/make_hostile_archives.py") +
        " " + shell_quote(out) + " " + shell_quote(fixture("glibc-2.28")) + " " +
        std::to_string(kBigMemberMiB) + " 2>&1");
    INFO(made.out);
    REQUIRE(made.exit_code == 0);
    return out;
  }();
  return dir;
}

nlohmann::json json_of(const CommandResult& result) {
  INFO(result.out);
  return nlohmann::json::parse(result.out);
}

// The path of the one file a JSON report lists.
std::string only_file(const CommandResult& result) {
  auto json = json_of(result);
  REQUIRE(json["files"].size() == 1);
  return json["files"][0]["path"];
}

}  // namespace

TEST_CASE("archives: no decompressor is ever run as a program", "[hostile]") {
  // Fake decompressors first on PATH: libarchive with every filter enabled runs them.
  std::string bin = scratch("fake-bin");
  std::string marker = bin + "/ran";
  for (const char* program : {"lzop", "lrzip", "grzip"}) {
    std::string path = bin + "/" + program;
    run_command("printf '#!/bin/sh\\ntouch " + marker + "\\ncat\\n' > " + path + " && chmod +x " +
                path);
    std::string archive = hostile_archives() + "/external-" + program + ".tar.gz";
    auto result = portcheck_all("-t rhel-9 " + shell_quote(archive), "PATH=" + bin + ":$PATH");
    INFO(program << ": " << result.out);
    CHECK(result.exit_code == 3);
    CHECK(contains(result.out, "neither an ELF file nor an archive of a known format"));
    CHECK(::access(marker.c_str(), F_OK) != 0);
  }
}

TEST_CASE("archives: a member over the memory budget is its own error, the rest is read",
          "[hostile]") {
  for (const char* name : {"big-member.tar.gz", "lying-size.zip"}) {
    std::string archive = shell_quote(hostile_archives() + "/" + name);
    // 96 MiB allows a member of 32 MiB; the run itself stays within 400 MiB of address space.
    auto result = run_command(bounded(shell_quote(PORTCHECK_BINARY) +
                                          " --format json -t rhel-9 --max-memory 96M " + archive +
                                          " 2>/dev/null",
                                      400 << 10));
    INFO(name);
    CHECK(result.exit_code == 3);
    auto json = json_of(result);
    REQUIRE(json["files"].size() == 2);
    CHECK(json["files"][0]["error_kind"] == "out_of_memory");
    CHECK(json["files"][0]["path"].get<std::string>().find("release/bin/huge") !=
          std::string::npos);
    CHECK(json["files"][1]["status"] == "pass");
  }
  // The zip's headers say 1,000 bytes: without a budget that small, the lie is what is said.
  auto lying = portcheck_all("-t rhel-9 " + shell_quote(hostile_archives() + "/lying-size.zip"));
  CHECK(lying.exit_code == 3);
  CHECK(contains(lying.out, "corrupt archive: ZIP uncompressed data is wrong size"));
}

TEST_CASE("RPM payloads: damage is an error, names and hard links are bounded", "[hostile]") {
  auto run = [](const char* name) {
    std::string archive = shell_quote(hostile_archives() + "/" + name);
    // A name declared 4 GiB long took libarchive's read-ahead 4.2 GB; 400 MiB must do here.
    return run_command(bounded(
        shell_quote(PORTCHECK_BINARY) + " --format json -t rhel-9 " + archive + " 2>/dev/null",
        400 << 10));
  };
  auto huge = run("rpm-huge-name.rpm");
  CHECK(huge.exit_code == 3);
  CHECK(json_of(huge)["files"][0]["error"] ==
        "malformed: corrupt archive: a cpio member name of 4294967280 bytes in the RPM payload");
  // libarchive skips ahead to the next header it finds, and the member between is gone unsaid.
  auto junk = run("rpm-junk.rpm");
  CHECK(junk.exit_code == 3);
  auto junk_json = json_of(junk);
  REQUIRE(junk_json["files"].size() == 2);
  CHECK(junk_json["files"][1]["error"].get<std::string>().find(
            "corrupt archive: no valid cpio header at byte ") != std::string::npos);
  auto links = run("rpm-hard-links.rpm");
  CHECK(links.exit_code == 0);
  CHECK(only_file(links).find("rpm-hard-links.rpm!/usr/bin/b") != std::string::npos);
  auto many = run("rpm-many-links.rpm");
  CHECK(many.exit_code == 0);
  CHECK(only_file(many).find("rpm-many-links.rpm!/usr/bin/tool") != std::string::npos);
}

TEST_CASE("SquashFS images: what mksquashfs never writes is an error, within bounds", "[hostile]") {
  const std::pair<const char*, const char*> cases[] = {
      // Walked by recursion, 20,000 levels overflowed the stack; paths over 4096 bytes now stop.
      {"sqfs-deep.sqfs", "whose path is longer than 4096 bytes"},
      {"sqfs-twice.sqfs", "an entry of / out of order or named twice"},
      // One flipped bit in a directory entry points a file's name at another file's inode.
      {"sqfs-two-names.sqfs", "the file /b is reached under more names than its inode has"},
      // 12 KB that libsquashfs expands to 1 MB per entry: 3 GB before the limit held.
      {"sqfs-bomb.sqfs", "lists more than a third of the memory budget of inodes"},
  };
  for (const auto& [name, message] : cases) {
    INFO(name);
    std::string image = shell_quote(hostile_archives() + "/" + name);
    auto result = run_command(bounded(shell_quote(PORTCHECK_BINARY) +
                                          " --format json -t rhel-9 --max-memory 256M " + image +
                                          " 2>/dev/null",
                                      600 << 10));
    CHECK(result.exit_code == 3);
    auto json = json_of(result);
    REQUIRE(!json["files"].empty());
    CHECK(contains(json["files"].back()["error"].get<std::string>(), message));
  }
}

TEST_CASE("container images: escapes, loops and floods are errors, within bounds", "[hostile]") {
  const std::pair<const char*, const char*> cases[] = {
      {"image-dotdot.tar", "has a member outside the image's root"},
      {"image-missing.tar", "/layer.tar is missing"},
      // Followed without its digest checked, an index that lists itself never ends.
      {"image-self-index.tar", "does not match its digest"},
      {"image-names.tar", "its layers name more files than a quarter of the memory budget"},
      {"image-layout-escape", "the image names a file outside its layout: ../../../../etc/passwd"},
      // A symlink in a layout is not followed, to a host file or anywhere else.
      {"image-layout-symlink", "neither manifest.json nor index.json"},
  };
  for (const auto& [name, message] : cases) {
    INFO(name);
    std::string image = shell_quote(hostile_archives() + "/" + name);
    auto result = run_command(bounded(shell_quote(PORTCHECK_BINARY) +
                                          " --format json -t rhel-9 --max-memory 64M " + image +
                                          " 2>/dev/null",
                                      400 << 10));
    CHECK(result.exit_code == 3);
    auto json = json_of(result);
    REQUIRE(json["files"].size() == 1);
    CHECK(contains(json["files"][0]["error"].get<std::string>(), message));
  }
}

TEST_CASE(
    "container images: a hard link outlives its first name, two images of one platform "
    "stay apart, a tarball with a web manifest is a tarball",
    "[hostile]") {
  auto report = [](const std::string& name) {
    return json_of(
        portcheck_out("--format json -t rhel-9 " + shell_quote(hostile_archives() + "/" + name)));
  };
  auto hard = report("image-hard-link.tar");
  REQUIRE(hard["files"].size() == 1);
  CHECK(contains(hard["files"][0]["path"], "image-hard-link.tar!/usr/local/bin/evil"));
  auto two = report("image-two-images.tar");
  REQUIRE(two["releases"].size() == 2);
  CHECK(contains(two["releases"][0]["path"], "image-two-images.tar[linux/amd64]"));
  CHECK(contains(two["releases"][1]["path"], "image-two-images.tar[linux/amd64@2]"));
  CHECK(contains(two["files"][1]["path"], "[linux/amd64@2]!/usr/bin/second"));
  auto web = report("web-manifest.tar");
  REQUIRE(web["files"].size() == 1);
  CHECK(contains(web["files"][0]["path"], "web-manifest.tar!/bin/tool"));
  CHECK(web["files"][0]["status"] == "pass");
}

TEST_CASE("container images: a layer of a gigabyte is streamed, never held", "[hostile]") {
  // 1 GiB of zeros and a 200 MiB member in one gzip layer, read twice (the file list, then the
  // files) within 400 MiB of address space; the member over the budget is an error of its own,
  // a garbage ld.so.cache is no cache and links that loop lead nowhere.
  std::string image = shell_quote(hostile_archives() + "/image-big-layer.tar");
  auto result =
      run_command(bounded(shell_quote(PORTCHECK_BINARY) +
                              " --format json -t rhel-9 --max-memory 96M " + image + " 2>/dev/null",
                          400 << 10));
  CHECK(result.exit_code == 3);
  auto json = json_of(result);
  REQUIRE(json["files"].size() == 2);
  CHECK(json["files"][0]["error_kind"] == "out_of_memory");
  CHECK(contains(json["files"][0]["path"], "image-big-layer.tar!/usr/bin/huge"));
  CHECK(json["files"][1]["status"] == "pass");
  CHECK(json["summary"]["skipped"] == 1);  // the zeros
}

TEST_CASE("memory: an address-space limit gives error entries, never an abort", "[hostile]") {
  if (kSanitized) return;
  // 160 MiB of address space: the default budget follows the limit, and what still does not
  // fit fails as an error of its input.
  std::string archive = shell_quote(hostile_archives() + "/big-member.tar.gz");
  auto result = portcheck_all("-j 1 -t rhel-9 " + archive, "", 160 << 10);
  INFO(result.out);
  CHECK(result.exit_code == 3);
  CHECK(contains(result.out, "huge: out of memory"));
  CHECK(contains(result.out, "release/bin/tool: x86_64 ELF64"));
  CHECK(portcheck_all("--max-memory 1K " + archive).exit_code == 2);
}

TEST_CASE("archives: UTF-8 member names survive the C locale", "[hostile]") {
  auto result = run_command(bounded("LC_ALL=C " + shell_quote(PORTCHECK_BINARY) +
                                    " --format json -t rhel-9 " +
                                    shell_quote(hostile_archives() + "/utf8-names.zip")));
  REQUIRE(result.exit_code == 0);
  CHECK(json_of(result)["files"][0]["path"].get<std::string>().find("!/donn\xc3\xa9"
                                                                    "es/tool") !=
        std::string::npos);
}

TEST_CASE("a directory whose name ends in ! is a directory, not an archive", "[hostile]") {
  std::string dir = scratch("bang") + "/pkg!";
  run_command("cp -r " + shell_quote(fixture("release")) + " " + shell_quote(dir));
  // Named alone, the tool still loads its library from beside it on disk.
  auto result = portcheck_all("-t rhel-8 " + shell_quote(dir + "/bin/tool"));
  INFO(result.out);
  CHECK(result.exit_code == 1);
  CHECK(contains(result.out, "loads       " + dir + "/lib/libnew.so.1"));
  CHECK(contains(result.out, "via " + dir + "/lib/libnew.so.1: needs glibc 2.34"));
}

TEST_CASE("a symlink into an excluded directory is analysed under its own name", "[hostile]") {
  std::string dir = scratch("excluded-target");
  run_command("mkdir -p " + dir + "/vendor " + dir + "/bin && cp " +
              shell_quote(fixture("glibc-2.28")) + " " + dir +
              "/vendor/tool && ln -s ../vendor/tool " + dir + "/bin/tool");
  auto result = portcheck_out("--format json -t rhel-8 --exclude vendor " + shell_quote(dir));
  CHECK(result.exit_code == 0);
  CHECK(only_file(result) == dir + "/bin/tool");
}

TEST_CASE("nothing to check is never a pass", "[hostile]") {
  std::string empty = scratch("empty");
  auto result = portcheck_all("-t rhel-9 " + shell_quote(empty));
  CHECK(result.exit_code == 3);
  CHECK(
      contains(result.out, "the directory holds no ELF file (0 other files, 0 excluded entries)"));

  std::string only_text = scratch("only-text");
  run_command("echo hello > " + only_text + "/README && tar -czf " + only_text +
              "/docs.tar.gz -C " + only_text + " README");
  result = portcheck_all("-t rhel-9 " + shell_quote(only_text + "/docs.tar.gz"));
  CHECK(result.exit_code == 3);
  CHECK(contains(result.out, "the archive holds no ELF file (1 other file, 0 excluded entries)"));

  // A release whose only ELF file cannot be analysed has no verdict, not a pass.
  std::string broken = scratch("broken");
  run_command("cp " + shell_quote(fixture("truncated-half")) + " " + broken + "/tool");
  result = portcheck_out("--format json -t rhel-9 " + shell_quote(broken));
  CHECK(result.exit_code == 3);
  auto json = json_of(result);
  REQUIRE(json["releases"].size() == 1);
  CHECK(json["releases"][0]["errors"] == 1);
  CHECK(json["releases"][0]["targets"].empty());
  CHECK(contains(portcheck_all("-t rhel-9 " + shell_quote(broken)).out,
                 "no verdict: none of its files could be analysed"));
}

TEST_CASE("a directory that cannot be searched, a path beyond PATH_MAX: error entries",
          "[hostile]") {
  std::string dir = scratch("locked");
  run_command("mkdir " + dir + "/sub && cp " + shell_quote(fixture("glibc-2.28")) + " " + dir +
              "/sub/tool && chmod 0744 " + dir + "/sub && chmod 0755 " + dir + " " + dir + "/..");
  // Permissions do not bind root: run as nobody then.
  std::string as_user =
      ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups" : "";
  auto result = run_command(bounded(as_user + " " + shell_quote(PORTCHECK_BINARY) + " -t rhel-9 " +
                                    shell_quote(dir) + " 2>&1"));
  INFO(result.out);
  CHECK(result.exit_code == 3);
  CHECK(contains(result.out, dir + "/sub: unreadable: permission denied: 1 entry of the "
                                   "directory not checked"));

  // 24 levels of 200-byte names: 4,800 bytes, beyond PATH_MAX (4,096).
  std::string deep = scratch("deep");
  run_command("cd " + deep + " && python3 -c 'import os, shutil\nfor _ in range(24):\n  " +
              "os.mkdir(\"d\" * 200); os.chdir(\"d\" * 200)\nshutil.copy(\"" +
              fixture("glibc-2.28") + "\", \"tool\")'");
  result = portcheck_all("-t rhel-9 " + shell_quote(deep));
  CHECK(result.exit_code == 3);
  CHECK(contains(result.out, "File name too long"));
  run_command("rm -rf " + shell_quote(deep));
}

TEST_CASE("outputs: never over an input, inside an input directory, or a walked file",
          "[hostile]") {
  std::string dist = scratch("dist");
  std::string tool = dist + "/bin/tool";
  run_command("mkdir " + dist + "/bin && cp " + shell_quote(fixture("glibc-2.28")) + " " + tool);
  std::string before = read_text(tool);
  auto result = portcheck_all("-o " + tool + " " + dist);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.out, tool + ": refusing to write the report over an input"));
  CHECK(portcheck_all("--json " + dist + "/report.json " + dist).exit_code == 2);
  CHECK(::access((dist + "/report.json").c_str(), F_OK) != 0);
  std::string archive = shell_quote(fixture("release.tar.gz"));
  std::string copy = scratch("archive") + "/release.tar.gz";
  run_command("cp " + archive + " " + copy);
  std::string archive_bytes = read_text(copy);
  CHECK(portcheck_all("--json " + copy + " " + copy).exit_code == 2);
  CHECK(read_text(copy) == archive_bytes);
  // Reached through a directory symlink, the file is found during the walk.
  std::string elsewhere = scratch("elsewhere");
  run_command("cp " + tool + " " + elsewhere + "/tool && ln -s " + elsewhere + " " + dist +
              "/linked");
  result = portcheck_all("-o " + elsewhere + "/tool " + dist);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.out, "is an output of this run"));
  CHECK(read_text(tool) == before);
  CHECK(read_text(elsewhere + "/tool") == before);
  // Devices are not files of the release.
  CHECK(portcheck_all("-t rhel-9 -o /dev/null " + dist).exit_code == 0);
}

TEST_CASE("outputs: a report that cannot be written is said, exit 4", "[hostile]") {
  std::string file = shell_quote(fixture("glibc-2.28"));
  auto full = run_command(bounded(shell_quote(PORTCHECK_BINARY) + " --format json -t @all " + file +
                                  " 2>&1 >/dev/full"));
  CHECK(full.exit_code == 4);
  CHECK(contains(full.out, "portcheck: stdout: cannot write the report: No space left on device"));
  auto extra = portcheck_all("-t rhel-9 --sarif /dev/full " + file);
  CHECK(extra.exit_code == 4);
  CHECK(contains(extra.out, "/dev/full: cannot write the report"));
  // With SIGPIPE ignored, as some CI runners do, a closed pipe is an error, not a success. The
  // report of every fixture is far larger than a pipe holds.
  std::string dir = scratch("pipe");
  run_command("trap '' PIPE; (" +
              bounded(shell_quote(PORTCHECK_BINARY) + " --format json -t @all " +
                      shell_quote(PORTCHECK_FIXTURE_DIR) + " 2>" + dir + "/err") +
              "; echo $? > " + dir + "/rc) | head -c 1 > /dev/null");
  CHECK(read_text(dir + "/rc") == "4\n");
  CHECK(contains(read_text(dir + "/err"), "cannot write the report: Broken pipe"));
}

TEST_CASE("threads that cannot be created: the run goes on with fewer", "[hostile]") {
  if (kSanitized) return;
  std::string args = "--format json -t @all " + shell_quote(fixture("release"));
  auto alone = portcheck_out("-j 1 " + args);
  // 1,024 threads of 8 MiB stacks do not fit in 1 GiB of address space.
  auto many = run_command(
      bounded(shell_quote(PORTCHECK_BINARY) + " -j 1024 " + args + " 2>/dev/null", 1 << 20));
  CHECK(many.exit_code == alone.exit_code);
  CHECK(many.out == alone.out);
}

}  // namespace portcheck::test

namespace portcheck::test {

TEST_CASE("archives: a member under 512 bytes, a zip member marked as a device", "[hostile]") {
  std::string dir = scratch("odd-members");
  std::string script =
      "import io, stat, tarfile, zipfile\n"
      "elf = open('" +
      fixture("glibc-2.28") +
      "', 'rb').read()\n"
      "with tarfile.open('" +
      dir +
      "/tiny.tar', 'w') as t:\n"
      "  i = tarfile.TarInfo('tiny'); i.size = 300; t.addfile(i, io.BytesIO(elf[:300]))\n"
      "with zipfile.ZipFile('" +
      dir +
      "/device.whl', 'w') as z:\n"
      "  i = zipfile.ZipInfo('pkg/_native.so'); i.external_attr = (stat.S_IFCHR | 0o755) << 16\n"
      "  z.writestr(i, elf)\n";
  REQUIRE(run_command("python3 -c " + shell_quote(script)).exit_code == 0);
  // Cut short, the member is an ELF file all the same: an error, not a skipped file.
  auto tiny = portcheck_all("-t rhel-9 " + dir + "/tiny.tar");
  CHECK(tiny.exit_code == 3);
  CHECK(contains(tiny.out, "tiny.tar!/tiny: truncated"));
  // pip installs it as a regular file: it must not vanish from the release.
  auto device = portcheck_all("-t rhel-9 " + dir + "/device.whl");
  CHECK(device.exit_code == 3);
  CHECK(contains(device.out, "device.whl!/pkg/_native.so: unsupported"));
}

TEST_CASE("a directory symlink and --exclude do not hide the real directory", "[hostile]") {
  std::string rel = scratch("linked-excluded");
  run_command("mkdir " + rel + "/zlib && cp " + shell_quote(fixture("glibc-2.34")) + " " + rel +
              "/zlib/libbad.so && ln -s zlib " + rel + "/tests");
  auto result = portcheck_out("--format json -t rhel-8 --exclude '*/tests/*' " + rel);
  CHECK(result.exit_code == 1);
  CHECK(only_file(result) == rel + "/zlib/libbad.so");
}

TEST_CASE("outputs: never over the table, the config, or through a dangling symlink", "[hostile]") {
  std::string dir = scratch("read-files");
  std::string file = shell_quote(fixture("glibc-2.28"));
  run_command("echo '{\"targets\": []}' > " + dir + "/table.json && echo '{}' > " + dir +
              "/.portcheck.json && ln -s " + dir + "/sub/new.so " + dir + "/dangling");
  std::string table = read_text(dir + "/table.json");
  CHECK(portcheck_all("--baselines " + dir + "/table.json -o " + dir + "/table.json " + file)
            .exit_code == 2);
  CHECK(read_text(dir + "/table.json") == table);
  auto config = run_command(
      "cd " + dir + " && " +
      bounded(shell_quote(PORTCHECK_BINARY) + " --json .portcheck.json " + file + " 2>&1"));
  CHECK(config.exit_code == 2);
  CHECK(read_text(dir + "/.portcheck.json") == "{}\n");
  CHECK(portcheck_all("-o " + dir + "/dangling " + file).exit_code == 2);
  CHECK(::access((dir + "/sub").c_str(), F_OK) != 0);
}

}  // namespace portcheck::test
