// Every rule made to pass and to fail, on facts and targets built by hand: no ELF file needed.
#include "portcheck/rules.hpp"

#include <catch2/catch.hpp>

#include "portcheck/derive.hpp"

using namespace portcheck;

namespace {

Target glibc_target(const std::string& id, std::vector<int> glibc, std::string family = "rhel") {
  Target target;
  target.id = id;
  target.family = std::move(family);
  target.kind = "distro";
  target.architectures = {"x86_64", "aarch64"};
  target.libc_flavour = "glibc";
  target.libc_version = "x";
  target.symbol_versions["x86_64"] = {
      {"GLIBC", glibc}, {"GLIBCXX", {3, 4, 25}}, {"CXXABI", {1, 3, 11}}, {"GCC", {7, 0, 0}}};
  target.symbol_versions["aarch64"] = target.symbol_versions["x86_64"];
  target.kernel = "4.18";
  target.x86_64_isa = "x86-64";
  target.interpreters = {{"x86_64", "/lib64/ld-linux-x86-64.so.2"},
                         {"aarch64", "/lib/ld-linux-aarch64.so.1"}};
  target.default_libraries = {"libc.so.6", "libm.so.6", "libz.so.1", "libstdc++.so.6"};
  target.installable = {{"libcrypt.so.1", "libxcrypt-compat", "src"}};
  target.absent = {{"libssl.so.1.0.0", "src", "OpenSSL 1.0 was removed"},
                   {"libffi.so.6", "src", "libffi 3.2 was replaced"}};
  return target;
}

Target musl_target() {
  Target target = glibc_target("alpine-x", {}, "alpine");
  target.libc_flavour = "musl";
  target.symbol_versions["x86_64"].erase("GLIBC");
  target.interpreters = {{"x86_64", "/lib/ld-musl-x86_64.so.1"}};
  return target;
}

ElfFacts glibc_program(std::vector<std::pair<std::string, std::string>> imports) {
  ElfFacts elf;
  elf.machine = "x86_64";
  elf.type = FileType::pie_executable;
  elf.interpreter = "/lib64/ld-linux-x86-64.so.2";
  elf.needed = {"libc.so.6"};
  LibraryNeeds libc{"libc.so.6", {}};
  uint16_t index = 2;
  for (const auto& [symbol, version] : imports) {
    bool known = false;
    for (const auto& need : libc.versions) known |= need.name == version;
    if (!known) libc.versions.push_back({version, index++, false});
    elf.imports.push_back({symbol, version, "libc.so.6", false});
  }
  elf.version_needs = {libc};
  return elf;
}

Facts facts(ElfFacts elf) { return derive_facts("bin", std::move(elf)); }

std::vector<Finding> findings_of(const Facts& f, const Target& t, const std::string& rule) {
  std::vector<Finding> selected;
  for (auto& finding : evaluate(f, t, BaselineTable{})) {
    if (finding.rule == rule) selected.push_back(finding);
  }
  return selected;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("glibc-version: fails above the target's glibc, naming every newer symbol", "[rules]") {
  Facts f = facts(glibc_program(
      {{"__libc_start_main", "GLIBC_2.34"}, {"stat", "GLIBC_2.33"}, {"memcpy", "GLIBC_2.14"}}));
  auto found = findings_of(f, glibc_target("old", {2, 28}), "glibc-version");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::fail);
  CHECK(found[0].culprits ==
        std::vector<std::string>{"__libc_start_main@GLIBC_2.34", "stat@GLIBC_2.33"});
  CHECK(contains(found[0].message, "needs glibc 2.34 but old has 2.28"));
  CHECK(contains(found[0].hint, "glibc 2.28"));
  CHECK(findings_of(f, glibc_target("new", {2, 34}), "glibc-version").empty());
}

// Debian 11's glibc 2.31 defines nothing newer than GLIBC_2.30 on x86_64: the message and the
// hint name the release, which is what a user can look up and build on.
TEST_CASE("glibc-version: names the target's glibc release, not its newest symbol version",
          "[rules]") {
  Target bullseye = glibc_target("debian-11", {2, 30}, "debian");
  bullseye.libc_version = "2.31";
  auto found = findings_of(facts(glibc_program({{"pthread_create", "GLIBC_2.34"}})), bullseye,
                           "glibc-version");
  REQUIRE(found.size() == 1);
  CHECK(contains(found[0].message, "needs glibc 2.34 but debian-11 has 2.31"));
  CHECK(contains(found[0].hint, "x86_64-linux-gnu.2.31"));
  // A version the target's glibc does not define still fails: 2.31 is the release, not a need.
  found = findings_of(facts(glibc_program({{"x", "GLIBC_2.31"}})), bullseye, "glibc-version");
  CHECK(found.size() == 1);
}

TEST_CASE("glibc-version: only a VER_FLG_WEAK need warns; DT_RELR needs 2.36", "[rules]") {
  ElfFacts weak = glibc_program({{"memcpy", "GLIBC_2.14"}, {"pidfd_open", "GLIBC_2.36"}});
  weak.imports[1].weak = true;  // a weak symbol reference still needs its version
  auto found = findings_of(facts(weak), glibc_target("old", {2, 28}), "glibc-version");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::fail);
  weak.version_needs[0].versions[1].weak = true;  // the need itself flagged weak
  found = findings_of(facts(weak), glibc_target("old", {2, 28}), "glibc-version");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::warn);

  ElfFacts relr = glibc_program({{"memcpy", "GLIBC_2.14"}});
  relr.version_needs[0].versions.push_back({"GLIBC_ABI_DT_RELR", 9, false});
  CHECK(findings_of(facts(relr), glibc_target("t", {2, 35}), "glibc-version").size() == 1);
  CHECK(findings_of(facts(relr), glibc_target("t", {2, 36}), "glibc-version").empty());
}

TEST_CASE("glibc-version: hints speak the binary's toolchain", "[rules]") {
  ElfFacts rust = glibc_program({{"getrandom", "GLIBC_2.25"}});
  rust.toolchain.rust = true;
  auto hint = findings_of(facts(rust), glibc_target("t", {2, 17}), "glibc-version")[0].hint;
  CHECK(contains(hint, "cargo zigbuild --target x86_64-unknown-linux-gnu.2.17"));
  CHECK(contains(hint, "x86_64-unknown-linux-musl"));
  ElfFacts go = rust;
  go.toolchain = {};
  go.toolchain.go = true;
  CHECK(contains(findings_of(facts(go), glibc_target("t", {2, 17}), "glibc-version")[0].hint,
                 "CGO_ENABLED=0"));
}

TEST_CASE("glibc-private: never portable", "[rules]") {
  Facts f = facts(glibc_program({{"_dl_find_object", "GLIBC_PRIVATE"}}));
  auto found = findings_of(f, glibc_target("t", {2, 99}), "glibc-private");
  REQUIRE(found.size() == 1);
  CHECK(found[0].culprits == std::vector<std::string>{"_dl_find_object@GLIBC_PRIVATE"});
  CHECK(findings_of(facts(glibc_program({{"memcpy", "GLIBC_2.14"}})), glibc_target("t", {2, 99}),
                    "glibc-private")
            .empty());
}

TEST_CASE("version-definition: a version the loaded library lacks fails everywhere", "[rules]") {
  Facts f = facts(glibc_program({{"new_feature", "NEW_2.0"}}));
  f.bundled = {"libnew.so.1"};
  f.bundled_paths = {"r/lib/libnew.so.1"};
  f.undefined_versions = {{"libnew.so.1", {{"NEW_2.0", 3, false}}}};
  auto found = findings_of(f, glibc_target("t", {2, 99}), "version-definition");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::fail);
  CHECK(found[0].message ==
        "needs NEW_2.0 of libnew.so.1, which r/lib/libnew.so.1 does not define");
  CHECK(found[0].culprits == std::vector<std::string>{"NEW_2.0"});
  f.undefined_versions.clear();
  CHECK(findings_of(f, glibc_target("t", {2, 99}), "version-definition").empty());
}

TEST_CASE("on the target of its own image, the image's libraries decide", "[rules]") {
  Facts f = facts(glibc_program({{"_dl_find_object", "GLIBC_PRIVATE"}, {"x", "GLIBC_2.99"}}));
  f.release = "app.tar";
  f.elf.needed = {"libc.so.6", "libgone.so.1"};
  f.bundled = {"libc.so.6"};
  Target own = glibc_target("image-t", {2, 28});
  own.release_scope = "app.tar";
  own.default_libraries.push_back("libgone.so.1");  // recorded, but the loader does not find it
  CHECK(findings_of(f, own, "glibc-version").empty());
  CHECK(findings_of(f, own, "glibc-private").empty());
  auto missing = findings_of(f, own, "needed-library");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].severity == Severity::fail);
  CHECK(missing[0].message.find("libgone.so.1, which the loader of app.tar does not find") == 6);
  // The same target judging a file of another release is an ordinary target.
  f.release = "other.tar";
  CHECK(findings_of(f, own, "glibc-version").size() == 1);
  CHECK(findings_of(f, own, "needed-library").empty());
}

TEST_CASE("libstdcxx-version and libgcc-version", "[rules]") {
  ElfFacts elf = glibc_program({{"memcpy", "GLIBC_2.14"}});
  elf.version_needs.push_back(
      {"libstdc++.so.6", {{"GLIBCXX_3.4.30", 7, false}, {"CXXABI_1.3.13", 8, false}}});
  elf.version_needs.push_back({"libgcc_s.so.1", {{"GCC_12.0.0", 9, false}}});
  elf.imports.push_back(
      {"_ZSt28__throw_bad_array_new_lengthv", "GLIBCXX_3.4.29", "libstdc++.so.6", false});
  Facts f = facts(elf);
  Target target = glibc_target("t", {2, 28});
  auto cxx = findings_of(f, target, "libstdcxx-version");
  REQUIRE(cxx.size() == 2);  // GLIBCXX and CXXABI
  CHECK(contains(cxx[0].hint, "-static-libstdc++"));
  CHECK(findings_of(f, target, "libgcc-version").size() == 1);
  target.symbol_versions["x86_64"]["GLIBCXX"] = {3, 4, 30};
  target.symbol_versions["x86_64"]["CXXABI"] = {1, 3, 13};
  target.symbol_versions["x86_64"]["GCC"] = {12, 0, 0};
  CHECK(findings_of(f, target, "libstdcxx-version").empty());
  CHECK(findings_of(f, target, "libgcc-version").empty());
}

TEST_CASE("libc-flavour: glibc on musl and musl on glibc fail; static passes", "[rules]") {
  Facts glibc = facts(glibc_program({{"memcpy", "GLIBC_2.14"}}));
  CHECK(findings_of(glibc, musl_target(), "libc-flavour").size() == 1);
  CHECK(findings_of(glibc, glibc_target("t", {2, 17}), "libc-flavour").empty());
  ElfFacts musl;
  musl.machine = "x86_64";
  musl.type = FileType::pie_executable;
  musl.interpreter = "/lib/ld-musl-x86_64.so.1";
  musl.needed = {"libc.so"};
  CHECK(findings_of(facts(musl), glibc_target("t", {2, 17}), "libc-flavour").size() == 1);
  CHECK(evaluate(facts(musl), musl_target(), BaselineTable{}).empty());
  ElfFacts fixed;
  fixed.machine = "x86_64";
  fixed.type = FileType::static_executable;
  CHECK(evaluate(facts(fixed), musl_target(), BaselineTable{}).empty());
  CHECK(evaluate(facts(fixed), glibc_target("t", {2, 17}), BaselineTable{}).empty());
}

TEST_CASE("architecture: the target must exist for the file's machine", "[rules]") {
  ElfFacts elf = glibc_program({});
  elf.machine = "riscv64";
  CHECK(findings_of(facts(elf), glibc_target("t", {2, 28}), "architecture").size() == 1);
  elf.machine = "aarch64";
  elf.interpreter = "/lib/ld-linux-aarch64.so.1";
  CHECK(findings_of(facts(elf), glibc_target("t", {2, 28}), "architecture").empty());
}

TEST_CASE("interpreter-path: a path the target lacks fails", "[rules]") {
  ElfFacts elf = glibc_program({});
  elf.interpreter = "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2";
  CHECK(findings_of(facts(elf), glibc_target("rhel", {2, 28}), "interpreter-path").size() == 1);
  CHECK(
      findings_of(facts(elf), glibc_target("deb", {2, 28}, "debian"), "interpreter-path").empty());
  elf.interpreter = "/opt/toolchain/lib/ld-linux-x86-64.so.2";
  CHECK(
      findings_of(facts(elf), glibc_target("deb", {2, 28}, "debian"), "interpreter-path").size() ==
      1);
}

TEST_CASE("needed-library: default, installable, absent, unknown, bundled, whitelist", "[rules]") {
  ElfFacts elf = glibc_program({});
  elf.needed = {"libz.so.1", "libcrypt.so.1", "libffi.so.6", "libfoo.so.3", "libc.so.6"};
  Facts f = facts(elf);
  auto found = findings_of(f, glibc_target("t", {2, 28}), "needed-library");
  REQUIRE(found.size() == 3);
  CHECK(found[0].severity == Severity::warn);
  CHECK(contains(found[0].message, "libxcrypt-compat"));
  CHECK(found[1].severity == Severity::fail);
  CHECK(found[1].culprits == std::vector<std::string>{"libffi.so.6"});
  CHECK(found[2].severity == Severity::warn);  // not bundled, not known on the target
  CHECK(contains(found[2].message, "not known to be installed"));
  f.bundled = {"libffi.so.6", "libfoo.so.3"};
  CHECK(findings_of(f, glibc_target("t", {2, 28}), "needed-library").size() == 1);
  Target policy = glibc_target("manylinux", {2, 28});
  policy.whitelist_only = true;
  auto strict = findings_of(f, policy, "needed-library");
  REQUIRE(strict.size() == 1);
  CHECK(strict[0].severity == Severity::fail);
  CHECK(strict[0].culprits == std::vector<std::string>{"libcrypt.so.1"});
}

TEST_CASE("x86-isa-level and kernel-version", "[rules]") {
  ElfFacts elf = glibc_program({});
  elf.notes.x86_isa_needed = 3;
  elf.notes.abi_tag_kernel = "5.10.0";
  Target target = glibc_target("t", {2, 28});
  auto isa = findings_of(facts(elf), target, "x86-isa-level");
  REQUIRE(isa.size() == 1);
  CHECK(isa[0].severity == Severity::fail);  // glibc refuses it on CPUs below the mark
  CHECK(contains(isa[0].message, "AVX2"));
  CHECK(findings_of(facts(elf), target, "kernel-version").size() == 1);
  target.x86_64_isa = "x86-64-v3";
  target.kernel = "5.14";
  CHECK(findings_of(facts(elf), target, "x86-isa-level").empty());
  CHECK(findings_of(facts(elf), target, "kernel-version").empty());
}

TEST_CASE("rpath-build-path: build-machine paths warn, $ORIGIN does not", "[rules]") {
  ElfFacts elf = glibc_program({});
  elf.rpath = {"/home/ci/build/lib", "$ORIGIN/../lib"};
  auto found = findings_of(facts(elf), glibc_target("t", {2, 28}), "rpath-build-path");
  REQUIRE(found.size() == 1);
  CHECK(found[0].culprits == std::vector<std::string>{"/home/ci/build/lib"});
  elf.rpath = {"$ORIGIN/../lib", "/usr/lib/vendor"};
  CHECK(findings_of(facts(elf), glibc_target("t", {2, 28}), "rpath-build-path").empty());
}

TEST_CASE("static-nss: a static glibc program with NSS warns", "[rules]") {
  ElfFacts elf;
  elf.machine = "x86_64";
  elf.type = FileType::static_executable;
  elf.static_libc = {"glibc", true};
  CHECK(findings_of(facts(elf), glibc_target("t", {2, 28}), "static-nss").size() == 1);
  CHECK(findings_of(facts(elf), musl_target(), "static-nss").size() == 1);
  elf.static_libc.uses_nss = false;
  CHECK(findings_of(facts(elf), glibc_target("t", {2, 28}), "static-nss").empty());
}

TEST_CASE("every rule has a unique id and a summary", "[rules]") {
  std::vector<std::string> ids;
  for (const auto& rule : all_rules()) {
    CHECK(std::string(rule.summary).size() > 10);
    CHECK(std::find(ids.begin(), ids.end(), rule.id) == ids.end());
    ids.push_back(rule.id);
  }
  CHECK(ids.size() >= 12);
}

namespace {
Facts tls_facts(TlsFacts tls) {
  Facts f = facts(glibc_program({{"memcpy", "GLIBC_2.14"}}));
  f.tls = std::move(tls);
  return f;
}
Target with_ca(Target target, std::vector<std::string> files, std::vector<std::string> dirs) {
  target.ca_files = std::move(files);
  target.ca_dirs = std::move(dirs);
  return target;
}
}  // namespace

TEST_CASE("tls-library: a libssl the target lacks fails; a compat package warns", "[rules]") {
  ElfFacts elf = glibc_program({});
  elf.needed = {"libssl.so.1.1", "libc.so.6"};
  Facts f = facts(elf);
  Target target = glibc_target("t", {2, 34});
  target.openssl_default = {"libssl.so.3"};
  target.openssl_installable = {{"libssl.so.1.1", "compat-openssl11", "src"}};
  auto found = findings_of(f, target, "tls-library");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::warn);
  CHECK(contains(found[0].message, "compat-openssl11"));
  CHECK(findings_of(f, target, "needed-library").empty());  // said once, by tls-library
  target.openssl_installable.clear();
  target.absent = {{"libssl.so.1.1", "src", ""}};
  CHECK(findings_of(f, target, "tls-library")[0].severity == Severity::fail);
  target.openssl_default = {"libssl.so.1.1"};
  CHECK(findings_of(f, target, "tls-library").empty());
}

TEST_CASE("ca-bundle: every known location absent fails, some absent is info", "[rules]") {
  TlsFacts tls;
  tls.stack = "openssl";
  tls.linkage = "static";
  tls.roots = "system";
  tls.cert_paths = {"/etc/pki/tls/certs/ca-bundle.crt"};
  tls.env_overrides = {"SSL_CERT_FILE"};
  Target debian = with_ca(glibc_target("deb", {2, 36}, "debian"),
                          {"/etc/ssl/certs/ca-certificates.crt"}, {"/etc/ssl/certs"});
  Target rhel = with_ca(glibc_target("rhel", {2, 34}), {"/etc/pki/tls/certs/ca-bundle.crt"},
                        {"/etc/pki/tls/certs"});
  auto failing = findings_of(tls_facts(tls), debian, "ca-bundle");
  REQUIRE(failing.size() == 1);
  CHECK(failing[0].severity == Severity::fail);
  CHECK(contains(failing[0].hint, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"));
  CHECK(findings_of(tls_facts(tls), rhel, "ca-bundle").empty());
  tls.cert_paths.push_back("/etc/ssl/certs/ca-certificates.crt");
  CHECK(findings_of(tls_facts(tls), debian, "ca-bundle")[0].severity == Severity::info);
  tls.roots = "embedded";
  tls.cert_paths = {"/nowhere/cert.pem"};
  CHECK(findings_of(tls_facts(tls), debian, "ca-bundle").empty());
}

TEST_CASE("openssl-dir and openssl-support for a linked-in OpenSSL", "[rules]") {
  TlsFacts tls;
  tls.stack = "openssl";
  tls.linkage = "static";
  tls.version = "OpenSSL 1.1.1k  25 Mar 2021";
  tls.openssldir = "/usr/local/ssl";
  Target rhel = with_ca(glibc_target("rhel", {2, 34}), {"/etc/pki/tls/certs/ca-bundle.crt"},
                        {"/etc/pki/tls/certs"});
  BaselineTable table;
  table.table_date = "2026-11-25";
  table.openssl_lines = {{{1, 1, 1}, "2023-09-11", "src"}, {{3, 5}, "2030-04-08", "src"}};
  std::vector<Finding> out;
  for (const auto& f : evaluate(tls_facts(tls), rhel, table)) out.push_back(f);
  auto by_rule = [&](const char* rule) {
    return std::count_if(out.begin(), out.end(), [&](const Finding& f) { return f.rule == rule; });
  };
  CHECK(by_rule("openssl-dir") == 1);
  CHECK(by_rule("openssl-support") == 1);
  tls.openssldir = "/etc/pki/tls";
  tls.version = "OpenSSL 3.5.1 1 Jul 2025";
  out = evaluate(tls_facts(tls), rhel, table);
  CHECK(by_rule("openssl-dir") == 0);
  CHECK(by_rule("openssl-support") == 0);
}

TEST_CASE("relr without a GLIBC_ABI_DT_RELR need, and musl-glibc-versions", "[rules]") {
  ElfFacts elf = glibc_program({{"memcpy", "GLIBC_2.14"}});
  elf.relr = true;
  CHECK(findings_of(facts(elf), glibc_target("t", {2, 35}), "relr").size() == 1);
  CHECK(findings_of(facts(elf), glibc_target("t", {2, 36}), "relr").empty());
  ElfFacts musl = glibc_program({{"memcpy", "GLIBC_2.14"}});
  musl.interpreter = "/lib/ld-musl-x86_64.so.1";
  musl.needed = {"libc.so"};
  Target alpine = musl_target();
  alpine.libc_version = "1.2.4";
  auto found = findings_of(facts(musl), alpine, "musl-glibc-versions");
  REQUIRE(found.size() == 1);
  CHECK(contains(found[0].message, "GLIBC_2.14"));
  musl.relr = true;
  CHECK(findings_of(facts(musl), alpine, "relr").empty());
  alpine.libc_version = "1.2.3";
  CHECK(findings_of(facts(musl), alpine, "relr").size() == 1);
}

TEST_CASE("exec-stack: warn, and fail for a library on glibc 2.41", "[rules]") {
  ElfFacts elf = glibc_program({});
  elf.type = FileType::shared_library;
  elf.interpreter.reset();
  elf.stack = "absent";  // x86: the loader's default is an executable stack
  CHECK(findings_of(facts(elf), glibc_target("t", {2, 36}), "exec-stack")[0].severity ==
        Severity::warn);
  CHECK(findings_of(facts(elf), glibc_target("t", {2, 41}), "exec-stack")[0].severity ==
        Severity::fail);
  elf.stack = "non-executable";
  CHECK(findings_of(facts(elf), glibc_target("t", {2, 41}), "exec-stack").empty());
}

TEST_CASE("glibc-version: a GLIBC_ version that is not a number fails everywhere", "[rules]") {
  Facts f = facts(glibc_program({{"memcpy", "GLIBC_2.14"}, {"renamed", "GLIBC_2.3X"}}));
  auto found = findings_of(f, glibc_target("new", {2, 41}), "glibc-version");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::fail);
  CHECK(found[0].culprits == std::vector<std::string>{"renamed@GLIBC_2.3X"});
  CHECK(contains(found[0].message, "GLIBC_2.3X, which no glibc release defines"));
  // The markers glibc itself uses are not unknown versions.
  Facts markers = facts(glibc_program({{"memcpy", "GLIBC_2.14"}, {"x", "GLIBC_ABI_DT_RELR"}}));
  CHECK(findings_of(markers, glibc_target("new", {2, 41}), "glibc-version").empty());
}

TEST_CASE(
    "library-version: a version the target's library lacks fails, derived sets only where "
    "known",
    "[rules]") {
  ElfFacts elf = glibc_program({});
  elf.needed = {"libsystemd.so.0", "libc.so.6"};
  elf.version_needs.push_back(
      {"libsystemd.so.0", {{"LIBSYSTEMD_209", 5, false}, {"LIBSYSTEMD_254", 6, false}}});
  elf.imports.push_back({"sd_pidfd_get_unit", "LIBSYSTEMD_254", "libsystemd.so.0", false});
  Facts f = facts(elf);
  Target target = glibc_target("deb", {2, 36}, "debian");
  target.default_libraries.push_back("libsystemd.so.0");
  CHECK(findings_of(f, target, "library-version").empty());  // versions not known: no verdict
  target.library_details["libsystemd.so.0"] = {
      "libsystemd0", {"LIBSYSTEMD_209", "LIBSYSTEMD_252", "LIBSYSTEMD_250"}, std::nullopt, ""};
  auto found = findings_of(f, target, "library-version");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::fail);
  CHECK(found[0].culprits == std::vector<std::string>{"sd_pidfd_get_unit@LIBSYSTEMD_254"});
  CHECK(contains(found[0].message, "newest there: LIBSYSTEMD_252"));
  // A derived set: a version in neither list is unknown, one in `lacks` is missing.
  target.library_details["libsystemd.so.0"].lacks = std::vector<std::string>{};
  CHECK(findings_of(f, target, "library-version").empty());
  target.library_details["libsystemd.so.0"].lacks = std::vector<std::string>{"LIBSYSTEMD_254"};
  CHECK(findings_of(f, target, "library-version").size() == 1);
  // A weak need only makes ld.so warn; a library without versions is accepted with a warning.
  f.elf.version_needs.back().versions.back().weak = true;
  CHECK(findings_of(f, target, "library-version").empty());
  f.elf.version_needs.back().versions.back().weak = false;
  target.library_details["libsystemd.so.0"].versions.clear();
  CHECK(findings_of(f, target, "library-version").empty());
  // The release's own copy decides, not the target's.
  target.library_details["libsystemd.so.0"].versions = {"LIBSYSTEMD_209"};
  f.bundled = {"libsystemd.so.0"};
  CHECK(findings_of(f, target, "library-version").empty());
}

TEST_CASE("needed-library: a complete inventory says not in the image, with the install command",
          "[rules]") {
  ElfFacts elf = glibc_program({});
  elf.needed = {"libz.so.1", "libssl3-only.so.3", "libnowhere.so.9", "libc.so.6"};
  Facts f = facts(elf);
  Target target = glibc_target("debian-12", {2, 36}, "debian");
  target.inventory = {"complete", "debian:12", "captured", "src"};
  target.archive.index = std::make_shared<const ArchiveIndex>(
      ArchiveIndex::from_map({{"libssl3-only.so.3", "libssl3"}, {"libz.so.1", "zlib1g"}}));
  auto found = findings_of(f, target, "needed-library");
  REQUIRE(found.size() == 2);
  CHECK(found[0].severity == Severity::warn);
  CHECK(found[0].message ==
        "needs libssl3-only.so.3: not in the debian:12 image; apt-get install libssl3");
  CHECK(found[1].severity == Severity::fail);  // in neither the image nor the archive
  CHECK(contains(found[1].message, "no package of debian-12 provides it"));
  target.archive = {};  // a complete image without an archive index: warn, never fail
  found = findings_of(f, target, "needed-library");
  REQUIRE(found.size() == 2);
  CHECK(found[1].severity == Severity::warn);
  CHECK(contains(found[1].message, "the table does not know a package of debian-12"));
  // A related archive's package names: a likely package, still a warn.
  target.package_names = {std::make_shared<const ArchiveIndex>(
                              ArchiveIndex::from_map({{"libnowhere.so.9", "libnowhere9"}})),
                          "debian-13", "src"};
  found = findings_of(f, target, "needed-library");
  REQUIRE(found.size() == 2);
  CHECK(found[1].severity == Severity::warn);
  CHECK(found[1].message ==
        "needs libnowhere.so.9: not in the debian:12 image; probably apt-get "
        "install libnowhere9 (its package in debian-13)");
  CHECK(contains(found[1].hint, "check the name in debian-12's archive"));
  target.inventory.coverage = "package-list";  // every package of the image, mapped to sonames
  CHECK(
      contains(findings_of(f, target, "needed-library")[1].message, "not in the debian:12 image"));
  target.inventory.coverage = "partial";
  CHECK(contains(findings_of(f, target, "needed-library")[1].message, "not known"));
}

TEST_CASE("needed-library: a library of the release's own that is missing fails everywhere",
          "[rules]") {
  ElfFacts elf = glibc_program({});
  elf.needed = {"libown.so.2", "libz.so.1", "libc.so.6"};
  elf.runpath = {"$ORIGIN/../lib"};
  Facts f = facts(elf);
  Target target = glibc_target("t", {2, 28});
  BaselineTable table;
  table.targets = {target};
  std::vector<Finding> found;
  for (auto& finding : evaluate(f, target, table)) {
    if (finding.rule == "needed-library") found.push_back(finding);
  }
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::fail);
  CHECK(contains(found[0].message, "libown.so.2, which is not in the release"));
  f.bundled = {"libown.so.2"};
  CHECK(findings_of(f, target, "needed-library").empty());
  // Known to some target: the ordinary verdict, not "missing from the release".
  f.bundled.clear();
  table.targets[0].installable.push_back({"libown.so.2", "libown2", "src"});
  found.clear();
  for (auto& finding : evaluate(f, target, table)) {
    if (finding.rule == "needed-library") found.push_back(finding);
  }
  REQUIRE(found.size() == 1);
  CHECK(contains(found[0].message, "not known to be installed"));
}

TEST_CASE("ca-bundle: a program that loads its own CA path through a dynamic libssl warns",
          "[rules]") {
  TlsFacts tls;
  tls.stack = "openssl";
  tls.linkage = "dynamic";
  tls.roots = "system";
  tls.cert_paths = {"/etc/pki/tls/certs/ca-bundle.crt"};
  Target debian = with_ca(glibc_target("deb", {2, 36}, "debian"),
                          {"/etc/ssl/certs/ca-certificates.crt"}, {"/etc/ssl/certs"});
  Facts f = tls_facts(tls);
  CHECK(findings_of(f, debian, "ca-bundle")[0].severity == Severity::info);  // library defaults
  f.elf.imports.push_back({"SSL_CTX_load_verify_locations", "OPENSSL_3.0.0", "libssl.so.3"});
  auto found = findings_of(f, debian, "ca-bundle");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::warn);
  CHECK(contains(found[0].message, "SSL_CTX_load_verify_locations"));
}

TEST_CASE("archive index: sorted lookups, entries, hand-made order", "[rules]") {
  ArchiveIndex index("libb.so.1 b1\nliba.so.2 a2\nbroken\nlibc.so.3 c3\n");
  CHECK(index.size() == 3);
  CHECK(index.package_of("liba.so.2") == std::optional<std::string>("a2"));
  CHECK(index.package_of("libb.so.1") == std::optional<std::string>("b1"));
  CHECK(!index.package_of("libb.so"));
  CHECK(index.entries().size() == 3);
  CHECK_THROWS(ArchiveIndex::from_map({{"lib with space.so", "p"}}));
}
