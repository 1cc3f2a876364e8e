// Container images end to end: docker save (before and since Docker 25), OCI archives and
// layouts made by fixtures/make-image.py; layers, whiteouts, the image's own loader, platforms,
// damage, and targets captured from images.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "test_support.hpp"

namespace portcheck::test {
namespace {

CommandResult portcheck(const std::string& args) {
  return run_command(shell_quote(PORTCHECK_BINARY) + " " + args + " 2>/dev/null");
}

std::string stderr_of(const std::string& args) {
  return run_command(shell_quote(PORTCHECK_BINARY) + " " + args + " 2>&1 >/dev/null").out;
}

nlohmann::json report_of(const std::string& args) {
  auto result = portcheck("--format json " + args);
  return nlohmann::json::parse(result.out);
}

const nlohmann::json* file_at(const nlohmann::json& report, const std::string& path) {
  for (const auto& file : report["files"]) {
    if (file["path"] == path) return &file;
  }
  return nullptr;
}

std::vector<std::string> paths_of(const nlohmann::json& report) {
  std::vector<std::string> paths;
  for (const auto& file : report["files"]) paths.push_back(file["path"]);
  return paths;
}

std::string verdict_on(const nlohmann::json& file, const std::string& target) {
  for (const auto& verdict : file["targets"]) {
    if (verdict["id"] == target) return verdict["verdict"];
  }
  return "";
}

}  // namespace

TEST_CASE("a container image: the files of its merged layers, libraries through its loader",
          "[cli]") {
  for (const char* name : {"image.tar", "image-oci.tar", "image-layout"}) {
    INFO(name);
    std::string image = fixture(name);
    auto json = report_of("-t rhel-8,rhel-9 " + shell_quote(image));
    const auto* tool = file_at(json, image + "!/usr/bin/tool");
    REQUIRE(tool != nullptr);
    // The tool's RUNPATH ($ORIGIN/../lib) finds nothing: ld.so.cache finds libnew.so.1 in
    // /opt/vendor/lib, and libc.so.6 at /lib/x86_64-linux-gnu, /lib being a link to usr/lib.
    CHECK((*tool)["loads"] == nlohmann::json({image + "!/opt/vendor/lib/libnew.so.1",
                                              image + "!/usr/lib/x86_64-linux-gnu/libc.so.6"}));
    CHECK((*tool)["bundled"] == nlohmann::json({"libnew.so.1", "libc.so.6"}));
    CHECK(verdict_on(*tool, "rhel-8") == "fail");  // the library needs glibc 2.34
    CHECK(verdict_on(*tool, "rhel-9") == "pass");
    REQUIRE(json["releases"].size() == 1);
    CHECK(json["releases"][0]["path"] == image);
    // Layers are read in place: nothing but the image's own files is reported.
    for (const auto& path : paths_of(json)) CHECK(path.rfind(image + "!/", 0) == 0);
  }
}

TEST_CASE("a whiteout deletes a library, an opaque directory hides the layers below", "[cli]") {
  std::string whiteout = fixture("image-whiteout.tar");
  auto json = report_of("-t rhel-9 " + shell_quote(whiteout));
  CHECK(file_at(json, whiteout + "!/opt/vendor/lib/libnew.so.1") == nullptr);
  REQUIRE(file_at(json, whiteout + "!/opt/vendor/lib/libold.so.1") != nullptr);
  const auto* tool = file_at(json, whiteout + "!/usr/bin/tool");
  REQUIRE(tool != nullptr);
  // The cache still names the deleted file; libold.so.1, whose soname is libnew.so.1, is not
  // in the cache, and no system directory holds the library.
  CHECK((*tool)["bundled"] == nlohmann::json({"libc.so.6"}));
  CHECK(verdict_on(*tool, "rhel-9") == "fail");
  CHECK((*tool)["targets"][0]["findings"][0]["rule"] == "needed-library");

  std::string opaque = fixture("image-oci.tar");
  auto oci = report_of("-t rhel-9 " + shell_quote(opaque));
  CHECK(file_at(oci, opaque + "!/opt/vendor/lib/libold.so.1") == nullptr);
  CHECK(file_at(oci, opaque + "!/opt/vendor/lib/libnew.so.1") != nullptr);
}

TEST_CASE("a library only ld.so.conf names, with ldconfig not run since, is not found", "[cli]") {
  std::string image = fixture("image-stale.tar");
  auto json = report_of("-t rhel-9 " + shell_quote(image));
  REQUIRE(file_at(json, image + "!/opt/vendor/lib/libnew.so.1") != nullptr);
  const auto* tool = file_at(json, image + "!/usr/bin/tool");
  REQUIRE(tool != nullptr);
  CHECK((*tool)["bundled"] == nlohmann::json({"libc.so.6"}));
  CHECK(verdict_on(*tool, "rhel-9") == "fail");
  // On the image's own target the loader's word is final, whatever the inventory says.
  auto own = report_of("-t @image " + shell_quote(image));
  CHECK(own["targets"].size() == 1);
  const auto* same = file_at(own, image + "!/usr/bin/tool");
  REQUIRE(same != nullptr);
  REQUIRE((*same)["targets"].size() == 1);
  CHECK((*same)["targets"][0]["verdict"] == "fail");
  std::string message = (*same)["targets"][0]["findings"][0]["message"];
  CHECK(message.find("which the loader of " + image + " does not find") != std::string::npos);
  auto healthy = portcheck("-t @image " + shell_quote(fixture("image.tar")));
  CHECK(healthy.exit_code == 0);
}

TEST_CASE("a multi-platform image: each platform a release of its own, --platform picks one",
          "[cli]") {
  std::string image = fixture("image-multi.tar");
  auto json = report_of("-t debian-12 " + shell_quote(image));
  REQUIRE(json["releases"].size() == 2);
  // In the order of their files, as the image's layers come in the archive.
  std::set<std::string> releases{json["releases"][0]["path"], json["releases"][1]["path"]};
  CHECK(releases == std::set<std::string>{image + "[linux/amd64]", image + "[linux/arm64]"});
  const auto* hello = file_at(json, image + "[linux/arm64]!/usr/bin/hello");
  REQUIRE(hello != nullptr);
  CHECK((*hello)["loads"] ==
        nlohmann::json({image + "[linux/arm64]!/usr/lib/aarch64-linux-gnu/libc.so.6"}));
  CHECK(file_at(json, image + "[linux/amd64]!/usr/bin/tool") != nullptr);

  auto arm = report_of("--platform linux/arm64 -t debian-12 " + shell_quote(image));
  CHECK(paths_of(arm) == std::vector<std::string>{image + "!/usr/lib/aarch64-linux-gnu/libc.so.6",
                                                  image + "!/usr/bin/hello"});
  auto none = portcheck("--format json --platform linux/s390x " + shell_quote(image));
  CHECK(none.exit_code == 3);
  CHECK(stderr_of("--platform linux/s390x " + shell_quote(image))
            .find("the image holds no linux/s390x platform (it holds linux/amd64, "
                  "linux/arm64)") != std::string::npos);
  // Each platform's own target judges that platform's files only.
  auto own = report_of("-t @image " + shell_quote(image));
  REQUIRE(own["targets"].size() == 2);
  REQUIRE((*file_at(own, image + "[linux/arm64]!/usr/bin/hello"))["targets"].size() == 1);
}

TEST_CASE("a damaged image is one error naming it, exit 3", "[cli]") {
  std::string image = fixture("image-broken.tar");
  auto result = portcheck("--format json " + shell_quote(image));
  CHECK(result.exit_code == 3);
  auto json = nlohmann::json::parse(result.out);
  REQUIRE(json["files"].size() == 1);
  std::string error = json["files"][0]["error"];
  CHECK(error.find("malformed: corrupt container image: the layer ") == 0);
  // docker save before Docker 25 names a layer by its id: its diff_id is what it must hash to.
  CHECK(error.find(" does not match its diff_id sha256:") != std::string::npos);
  CHECK(stderr_of("baseline capture --image " + shell_quote(image)).find("does not match") !=
        std::string::npos);
}

TEST_CASE("a target captured from an image gates a binary, as -t image: or through --baselines",
          "[cli]") {
  std::string image = fixture("image.tar");
  auto captured = portcheck("baseline capture --image " + shell_quote(image));
  REQUIRE(captured.exit_code == 0);
  auto target = nlohmann::json::parse(captured.out);
  CHECK(target["id"] == "fixture-1");
  CHECK(target["libc"]["version"] == "2.41");
  CHECK(target["libraries"]["default"] == nlohmann::json({"libc.so.6", "libnew.so.1"}));
  std::string file = "/tmp/portcheck-image-target-" + std::to_string(::getpid()) + ".json";
  std::ofstream(file) << captured.out;
  auto gated = report_of("--baselines " + shell_quote(file) + " -t fixture-1 " +
                         shell_quote(fixture("glibc-2.34")));
  std::filesystem::remove(file);
  CHECK(gated["targets"].size() == 1);
  CHECK(gated["files"][0]["targets"][0]["verdict"] == "pass");
  auto shorthand =
      report_of("-t image:" + shell_quote(image) + " " + shell_quote(fixture("glibc-2.34")));
  REQUIRE(shorthand["targets"].size() == 1);
  CHECK(shorthand["targets"][0] == "image-fixture-1");
  CHECK(shorthand["files"][0]["targets"][0]["verdict"] == "pass");
  // A multi-platform image needs --platform for a capture.
  auto several = portcheck("baseline capture --image " + shell_quote(fixture("image-multi.tar")));
  CHECK(several.exit_code == 3);
  auto arm = portcheck("baseline capture --platform linux/arm64 --image " +
                       shell_quote(fixture("image-multi.tar")));
  REQUIRE(arm.exit_code == 0);
  CHECK(nlohmann::json::parse(arm.out)["architectures"] == nlohmann::json({"aarch64"}));
}

}  // namespace portcheck::test
