// Resolving NEEDED within a release, as the dynamic loader would once it is installed.
#include "portcheck/release.hpp"

#include <catch2/catch.hpp>

using namespace portcheck;

namespace {
Facts file(const std::string& path, std::vector<std::string> needed,
           std::vector<std::string> runpath = {}, std::vector<std::string> rpath = {}) {
  Facts facts;
  facts.path = path;
  facts.elf.machine = "x86_64";
  facts.elf.needed = std::move(needed);
  facts.elf.runpath = std::move(runpath);
  facts.elf.rpath = std::move(rpath);
  return facts;
}
using Paths = std::vector<std::string>;
}  // namespace

TEST_CASE("paths are normalised lexically, archive prefixes kept", "[release]") {
  CHECK(normalize_path("dist/bin/../lib/libx.so") == "dist/lib/libx.so");
  CHECK(normalize_path("./a//b/./c") == "a/b/c");
  CHECK(normalize_path("/opt/app/bin/../lib") == "/opt/app/lib");
  CHECK(normalize_path("r.tgz!/app/bin/../lib") == "r.tgz!/app/lib");
  CHECK(normalize_path("../lib") == "../lib");
}

TEST_CASE("search directories: $ORIGIN, $LIB, $PLATFORM; RUNPATH hides RPATH", "[release]") {
  Facts tool = file("dist/bin/tool", {}, {"$ORIGIN/../lib", "${ORIGIN}/../$LIB", "/usr/lib/x"});
  CHECK(library_search_dirs(tool) == Paths{"dist/lib", "dist/lib64"});  // each directory once
  Facts platform = file("/abs/bin/tool", {}, {}, {"$ORIGIN/$PLATFORM"});
  CHECK(library_search_dirs(platform) == Paths{"/abs/bin/x86_64"});
  Facts both = file("bin/tool", {}, {"$ORIGIN/runpath"}, {"$ORIGIN/rpath"});
  CHECK(library_search_dirs(both) == Paths{"bin/runpath"});
  // inside an archive an absolute entry names the archive's own tree
  Facts member = file("pkg.deb!/usr/bin/tool", {}, {"/usr/lib/tool"});
  member.container = "pkg.deb!/";
  CHECK(library_search_dirs(member) == Paths{"pkg.deb!/usr/lib/tool"});
  // a RUNPATH made to hurt: 100,000 entries, searched once each and at most 256 directories
  std::vector<std::string> many(50000, "$ORIGIN");
  for (int i = 0; i < 50000; ++i) many.push_back("$ORIGIN/" + std::to_string(i));
  Facts hostile = file("dist/bin/tool", {}, many);
  Paths dirs = library_search_dirs(hostile);
  CHECK(dirs.size() == 256);
  CHECK(dirs.front() == "dist/bin");
  CHECK(dirs.back() == "dist/bin/254");
  // on disk a directory named "pkg!" is a directory: absolute entries are the system's
  Facts on_disk = file("pkg!/usr/bin/tool", {}, {"/usr/lib/tool", "$ORIGIN/../lib"});
  CHECK(library_search_dirs(on_disk) == Paths{"pkg!/usr/lib"});
}

TEST_CASE("a bundled library is found through RUNPATH, and through its symlink", "[release]") {
  Facts tool = file("r/bin/tool", {"libnew.so.1", "libc.so.6"}, {"$ORIGIN/../lib"});
  Facts lib = file("r/lib/libnew.so.1.0.0", {"libc.so.6"});
  Facts stray = file("r/share/libc.so.6", {});  // not on any search path
  std::vector<Facts*> files{&tool, &lib, &stray};
  resolve_release(files, {{"r/lib/libnew.so.1", "r/lib/libnew.so.1.0.0"}});
  CHECK(tool.bundled == Paths{"libnew.so.1"});
  CHECK(tool.bundled_paths == Paths{"r/lib/libnew.so.1.0.0"});
  CHECK(lib.bundled.empty());
  CHECK(bundled_closure(tool, index_release({&tool, &lib, &stray})) ==
        std::vector<const Facts*>{&lib});
}

TEST_CASE("without RPATH or RUNPATH nothing beside the file is found", "[release]") {
  Facts tool = file("r/bin/tool", {"libnew.so.1"});
  Facts lib = file("r/bin/libnew.so.1", {});
  std::vector<Facts*> files{&tool, &lib};
  resolve_release(files);
  CHECK(tool.bundled.empty());
}

TEST_CASE("libraries that need each other do not loop", "[release]") {
  Facts a = file("r/liba.so", {"libb.so"}, {"$ORIGIN"});
  Facts b = file("r/libb.so", {"liba.so"}, {"$ORIGIN"});
  std::vector<Facts*> files{&a, &b};
  resolve_release(files);
  CHECK(bundled_closure(a, index_release({&a, &b})) == std::vector<const Facts*>{&b});
}

TEST_CASE(
    "a version the resolved library does not define is recorded; weak needs and "
    "libraries without definitions are not",
    "[release]") {
  Facts tool = file("r/bin/tool", {"libnew.so.1", "libold.so.1"}, {"$ORIGIN/../lib"});
  tool.elf.version_needs = {
      {"libnew.so.1", {{"NEW_1.0", 2, false}, {"NEW_2.0", 3, false}, {"NEW_3.0", 4, true}}},
      {"libold.so.1", {{"OLD_9.0", 5, false}}}};
  Facts lib = file("r/lib/libnew.so.1", {});
  lib.elf.version_defs = {"NEW_1.0"};
  Facts old = file("r/lib/libold.so.1", {});  // no version definitions at all
  std::vector<Facts*> release{&tool, &lib, &old};
  resolve_release(release);
  REQUIRE(tool.undefined_versions.size() == 1);
  CHECK(tool.undefined_versions[0].library == "libnew.so.1");
  REQUIRE(tool.undefined_versions[0].versions.size() == 1);
  CHECK(tool.undefined_versions[0].versions[0].name == "NEW_2.0");
}

TEST_CASE("in a container image the image's loader finds what RUNPATH does not", "[release]") {
  Facts tool = file("img!/usr/bin/tool", {"libz.so.1", "libnew.so.1", "libgone.so.1"});
  tool.container = "img!/";
  Facts zlib = file("img!/usr/lib/x86_64-linux-gnu/libz.so.1", {});
  Facts vendor = file("img!/opt/vendor/lib/libnew.so.1", {});
  Facts elsewhere = file("img!/opt/other/libgone.so.1", {});
  ImageLoader loader;
  loader.dirs = {{"lib/x86_64-linux-gnu", "img!/usr/lib/x86_64-linux-gnu"},
                 {"usr/lib/x86_64-linux-gnu", "img!/usr/lib/x86_64-linux-gnu"}};
  // ld.so.cache: the vendor library, and an aarch64 entry the x86-64 file does not take
  loader.cache = {{"libnew.so.1", "img!/opt/vendor/lib/libnew.so.1", 0x0303},
                  {"libgone.so.1", "img!/opt/other/libgone.so.1", 0x0a03}};
  std::vector<Facts*> release{&tool, &zlib, &vendor, &elsewhere};
  resolve_release(release, {}, {{"img!/", loader}});
  CHECK(tool.bundled == Paths{"libz.so.1", "libnew.so.1"});
  CHECK(tool.bundled_paths ==
        Paths{"img!/usr/lib/x86_64-linux-gnu/libz.so.1", "img!/opt/vendor/lib/libnew.so.1"});
}
