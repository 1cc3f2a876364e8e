// `portcheck baseline capture`: fake roots built from the stub libraries, where every fact is
// known; this machine against the bundled entry of its release (Debian 12 only); and the command
// line, whose output must be a target --baselines accepts.
#include "portcheck/capture.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "test_support.hpp"

namespace portcheck::test {
namespace {

namespace fs = std::filesystem;

const BaselineTable& bundled() {
  static const TableResult result = bundled_baselines();
  if (!result.table) FAIL(result.error);
  return *result.table;
}

// A directory tree under /tmp, removed with the object.
struct FakeRoot {
  fs::path dir;
  explicit FakeRoot(const std::string& name)
      : dir(fs::temp_directory_path() /
            ("portcheck-capture-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~FakeRoot() { fs::remove_all(dir); }
  fs::path at(const std::string& path) const {
    fs::path full = dir / fs::path(path).relative_path();
    fs::create_directories(full.parent_path());
    return full;
  }
  void copy(const std::string& stub, const std::string& path) const {
    fs::copy_file(fixture(stub), at(path), fs::copy_options::overwrite_existing);
  }
  void write(const std::string& path, const std::string& text) const {
    std::ofstream(at(path)) << text;
  }
  void link(const std::string& path, const std::string& target) const {
    fs::create_symlink(target, at(path));
  }
};

// A glibc system as a multiarch distribution lays it out, usrmerge links and all.
void build_glibc_root(const FakeRoot& root) {
  fs::create_directories(root.dir / "usr/lib/x86_64-linux-gnu");
  fs::create_directories(root.dir / "usr/lib64");
  root.link("/lib", "usr/lib");
  root.link("/lib64", "usr/lib64");
  root.copy("stubs/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6");
  root.copy("stubs/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.33");
  root.link("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "libstdc++.so.6.0.33");
  root.copy("stubs/libgcc_s.so.1", "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1");
  root.copy("stubs/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13");
  root.link("/usr/lib/x86_64-linux-gnu/libz.so.1", "libz.so.1.2.13");
  root.link("/usr/lib/x86_64-linux-gnu/libz.so", "libz.so.1");  // a -dev link, not a soname
  root.copy("stubs/libssl.so.3", "/usr/lib/x86_64-linux-gnu/libssl.so.3");
  root.write("/usr/lib/x86_64-linux-gnu/libc.so", "GROUP ( libc.so.6 )\n");  // linker script
  root.write("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "stand-in\n");
  // An absolute link, as Debian has it: it must resolve inside the root, not on this machine.
  root.link("/usr/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
  root.write("/etc/os-release",
             "NAME=\"Rocky Linux\"\nVERSION_ID=\"9.3\"\nID=\"rocky\"\n"
             "ID_LIKE=\"rhel centos fedora\"\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n");
  root.write("/etc/ssl/certs/ca-certificates.crt", "");
  root.link("/etc/ssl/cert.pem", "/etc/ssl/certs/ca-certificates.crt");
  // This machine has /etc/passwd; a link climbing out of the root must not find it.
  root.link("/etc/pki/tls/cert.pem", "../../../../../../../../etc/passwd");
}

Capture capture_of(const std::string& root, CaptureOptions options = {}) {
  options.root = root;
  options.date = "2026-01-02";
  Result<Capture> result = capture_baseline(options, bundled());
  if (const auto* error = std::get_if<FileError>(&result))
    FAIL(error->path << ": " << error->message);
  return std::get<Capture>(result);
}

std::vector<std::string> sources_of(const Target& t) {
  return {t.dates_source,  t.libc_source,         t.symbol_versions_source,
          t.kernel_source, t.x86_64_isa_source,   t.openssl_source,
          t.ca_source,     t.interpreters_source, t.default_libraries_source};
}

std::string dotted(const std::vector<int>& numbers) {
  std::string text;
  for (size_t i = 0; i < numbers.size(); ++i) text += (i ? "." : "") + std::to_string(numbers[i]);
  return text;
}

std::map<std::string, std::string> this_os_release() {
  std::map<std::string, std::string> os;
  std::istringstream lines(read_text("/etc/os-release"));
  for (std::string line; std::getline(lines, line);) {
    size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string value = line.substr(equals + 1);
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'')) {
      value = value.substr(1, value.size() - 2);
    }
    os[line.substr(0, equals)] = value;
  }
  return os;
}

// The packages a minimal Debian installs (debootstrap --variant=minbase, the debian:bookworm
// image): those of Priority required, apt, and what they depend on, as dpkg records them here.
std::set<std::string> minimal_debian_packages() {
  std::map<std::string, std::vector<std::string>> depends;
  std::vector<std::string> todo{"apt"};
  std::istringstream status(read_text("/var/lib/dpkg/status"));
  std::string package;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Package: ", 0) == 0) package = line.substr(9);
    if (line == "Priority: required") todo.push_back(package);
    if (line.rfind("Depends: ", 0) != 0 && line.rfind("Pre-Depends: ", 0) != 0) continue;
    // "libc6 (>= 2.34), debconf | debconf-2.0": every alternative counts.
    std::string field = line.substr(line.find(':') + 1);
    for (char& c : field) c = c == ',' || c == '|' ? '\n' : c;
    std::istringstream alternatives(field);
    for (std::string alternative; std::getline(alternatives, alternative);) {
      std::string name;
      if (std::istringstream(alternative) >> name) {
        depends[package].push_back(name.substr(0, name.find(':')));
      }
    }
  }
  std::set<std::string> minimal;
  while (!todo.empty()) {
    std::string next = todo.back();
    todo.pop_back();
    if (!minimal.insert(next).second) continue;
    for (const auto& dependency : depends[next]) todo.push_back(dependency);
  }
  return minimal;
}

// The packages whose file lists have each soname in a library directory (libgcc_s.so.1 is in
// libgcc-s1 and, for /usr/lib32, in lib32gcc-s1).
std::map<std::string, std::set<std::string>> packages_owning(
    const std::vector<std::string>& sonames) {
  std::set<std::string> wanted(sonames.begin(), sonames.end());
  std::map<std::string, std::set<std::string>> owners;
  for (const auto& entry : fs::directory_iterator("/var/lib/dpkg/info")) {
    if (entry.path().extension() != ".list") continue;
    std::string package = entry.path().stem().string();
    package = package.substr(0, package.find(':'));
    std::istringstream files(read_text(entry.path().string()));
    for (std::string file; std::getline(files, file);) {
      bool in_lib = file.rfind("/lib", 0) == 0 || file.rfind("/usr/lib", 0) == 0;
      std::string name = fs::path(file).filename().string();
      if (in_lib && wanted.count(name)) owners[name].insert(package);
    }
  }
  return owners;
}

}  // namespace

TEST_CASE("capture of a glibc root: versions from the libraries' own definitions", "[capture]") {
  FakeRoot root("glibc");
  build_glibc_root(root);
  Capture capture = capture_of(root.dir.string());
  const Target& t = capture.target;
  CHECK(t.libc_flavour == "glibc");
  CHECK(t.libc_version == "2.41");  // GLIBC_PRIVATE is not a number and does not count
  CHECK(t.architectures == std::vector<std::string>{"x86_64"});
  const FamilyMaxima& maxima = t.symbol_versions.at("x86_64");
  CHECK(dotted(maxima.at("GLIBC")) == "2.41");
  CHECK(dotted(maxima.at("GLIBCXX")) == "3.4.33");
  CHECK(dotted(maxima.at("CXXABI")) == "1.3.15");
  CHECK(dotted(maxima.at("GCC")) == "7.0.0");
  CHECK(t.interpreters.at("x86_64") == "/lib64/ld-linux-x86-64.so.2");
  CHECK(t.default_libraries == std::vector<std::string>{"libc.so.6", "libgcc_s.so.1", "libssl.so.3",
                                                        "libstdc++.so.6", "libz.so.1"});
  CHECK(t.openssl_default == std::vector<std::string>{"libssl.so.3"});
  CHECK(t.ca_files ==
        std::vector<std::string>{"/etc/ssl/cert.pem", "/etc/ssl/certs/ca-certificates.crt"});
  CHECK(t.ca_dirs == std::vector<std::string>{"/etc/ssl/certs"});
  // The stub libc has no ABI tag and the root is not the running system.
  CHECK(t.kernel == "0.0");
  CHECK_THAT(t.kernel_source, Catch::StartsWith("unknown: "));
  std::string from = "captured from " + root.dir.string() +
                     " on 2026-01-02 by portcheck "
                     "baseline capture";
  for (const auto& source : sources_of(t)) CHECK_THAT(source, Catch::Contains(from));
}

TEST_CASE("capture: the directories of ld.so.conf and its includes count", "[capture]") {
  FakeRoot root("ldsoconf");
  build_glibc_root(root);
  root.copy("stubs/libgnutls.so.30", "/opt/vendor/lib/libgnutls.so.30");
  root.copy("stubs/libcrypto.so.3", "/opt/other/lib/libcrypto.so.3");
  root.copy("stubs/libcrypto.so.1.1", "/opt/commented/lib/libcrypto.so.1.1");
  root.copy("stubs/libssl.so.3", "/opt/other/lib/libssl.so.3");  // also in the triplet directory
  root.link("/opt/linked", "other/lib");
  root.write("/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
  // A comment, a relative include, a byte above 0x7f after the keyword, and an include loop.
  root.write("/etc/ld.so.conf.d/vendor.conf", "# /opt/commented/lib\n/opt/vendor/lib  # ours\n");
  root.write("/etc/ld.so.conf.d/other.conf", "include\xa0x\ninclude ld.so.conf.d/more.inc\n");
  root.write("/etc/ld.so.conf.d/more.inc", "/opt/linked\ninclude /etc/ld.so.conf\n");
  Capture capture = capture_of(root.dir.string());
  const auto& libraries = capture.target.default_libraries;
  auto count = [&](const char* soname) {
    return std::count(libraries.begin(), libraries.end(), soname);
  };
  CHECK(count("libgnutls.so.30") == 1);
  CHECK(count("libcrypto.so.3") == 1);
  CHECK(count("libssl.so.3") == 1);
  CHECK(count("libcrypto.so.1.1") == 0);
  CHECK_THAT(capture.target.default_libraries_source, Catch::Contains("/opt/vendor/lib"));
}

TEST_CASE("capture: id, name and family from os-release unless given", "[capture]") {
  FakeRoot root("identity");
  build_glibc_root(root);
  const Target& t = capture_of(root.dir.string()).target;
  CHECK(t.id == "rocky-9.3");
  CHECK(t.name == "Rocky Linux 9.3 (Blue Onyx)");
  CHECK(t.family == "rhel");
  CaptureOptions given;
  given.id = "build-farm-3";
  given.name = "Build farm";
  given.family = "inhouse";
  const Target& named = capture_of(root.dir.string(), given).target;
  CHECK(named.id == "build-farm-3");
  CHECK(named.name == "Build farm");
  CHECK(named.family == "inhouse");
  // ID_LIKE decides when ID is not a family of the table.
  root.write("/etc/os-release",
             "ID=linuxmint\nID_LIKE='ubuntu debian'\nVERSION_ID=21.3\n"
             "NAME=\"Linux Mint\"\nVERSION=\"21.3 (Virginia)\"\n");
  const Target& mint = capture_of(root.dir.string()).target;
  CHECK(mint.id == "linuxmint-21.3");
  CHECK(mint.family == "ubuntu");
  CHECK(mint.name == "Linux Mint 21.3 (Virginia)");
}

TEST_CASE("capture of a musl root: the apk database gives the version", "[capture]") {
  FakeRoot root("musl");
  root.copy("stubs/libz.so.1", "/lib/ld-musl-x86_64.so.1");  // any x86_64 shared object will do
  root.link("/lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1");
  root.copy("stubs/libz.so.1", "/lib/libz.so.1");
  root.write("/etc/os-release",
             "ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n");
  root.write("/lib/apk/db/installed",
             "C:Q1abc=\nP:busybox\nV:1.36.1-r29\n\nC:Q1def=\nP:musl\nV:1.2.5-r0\nA:x86_64\n");
  const Target& t = capture_of(root.dir.string()).target;
  CHECK(t.libc_flavour == "musl");
  CHECK(t.libc_version == "1.2.5");
  CHECK(t.id == "alpine-3.20.3");
  CHECK(t.family == "alpine");
  CHECK(t.interpreters.at("x86_64") == "/lib/ld-musl-x86_64.so.1");
  CHECK(t.symbol_versions.at("x86_64").count("GLIBC") == 0);
  CHECK(t.default_libraries == std::vector<std::string>{"libc.so", "libz.so.1"});
  CHECK(check_baselines({"2026-01-02", {t}, {}}).empty());

  fs::remove(root.dir / "lib/apk/db/installed");
  const Target& unknown = capture_of(root.dir.string()).target;
  CHECK(unknown.libc_version == "0.0.0");
  CHECK_THAT(unknown.libc_source, Catch::StartsWith("unknown: "));
}

TEST_CASE("capture: a root without a C library, or no root at all, is an error", "[capture]") {
  FakeRoot root("empty");
  root.write("/etc/os-release", "ID=debian\n");
  CaptureOptions options;
  options.root = root.dir.string();
  Result<Capture> empty = capture_baseline(options, bundled());
  REQUIRE(std::holds_alternative<FileError>(empty));
  CHECK_THAT(std::get<FileError>(empty).message, Catch::Contains("no C library"));
  options.root = (root.dir / "missing").string();
  CHECK(std::holds_alternative<FileError>(capture_baseline(options, bundled())));
}

TEST_CASE("this machine against the bundled entry of its release (Debian 12 only)", "[capture]") {
  auto os = this_os_release();
  if (os["ID"] != "debian" || os["VERSION_ID"] != "12") {
    WARN("skipped: this machine is " << os["PRETTY_NAME"] << ", the check is for Debian 12");
    return;
  }
  const Target& entry = *find_target(bundled(), "debian-12");
  const Target here = capture_of("/").target;
  const std::string arch = here.architectures.front();
  std::vector<std::string> differences;
  auto compare = [&](const std::string& what, const std::string& table, const std::string& seen) {
    if (table != seen)
      differences.push_back(what + ": the table has " + table + ", this machine " + seen);
  };
  compare("libc.version", entry.libc_version, here.libc_version);
  compare("interpreters." + arch,
          entry.interpreters.count(arch) ? entry.interpreters.at(arch) : "none",
          here.interpreters.at(arch));
  for (const char* family : {"GLIBC", "GLIBCXX", "CXXABI", "GCC"}) {
    auto value = [&](const Target& t) {
      auto maxima = t.symbol_versions.find(arch);
      if (maxima == t.symbol_versions.end() || !maxima->second.count(family))
        return std::string("none");
      return dotted(maxima->second.at(family));
    };
    compare(std::string("symbol_versions.") + arch + "." + family, value(entry), value(here));
  }
  std::set<std::string> present(here.default_libraries.begin(), here.default_libraries.end());
  std::set<std::string> minimal = minimal_debian_packages();
  std::map<std::string, std::set<std::string>> owners = packages_owning(entry.default_libraries);
  for (const auto& soname : entry.default_libraries) {
    if (!present.count(soname)) {
      differences.push_back("libraries.default: " + soname + " is not on this machine");
      continue;
    }
    const std::set<std::string>& packages = owners[soname];
    bool in_minimal = std::any_of(packages.begin(), packages.end(),
                                  [&](const std::string& p) { return minimal.count(p) > 0; });
    if (!in_minimal) {
      std::string names;
      for (const auto& package : packages) names += (names.empty() ? "" : ", ") + package;
      differences.push_back("libraries.default: " + soname + " comes from " +
                            (names.empty() ? "no package" : names) +
                            ", which a minimal Debian 12 does not install");
    }
  }
  for (const auto& difference : differences) UNSCOPED_INFO(difference);
  CHECK(differences.empty());
}

namespace {

CommandResult portcheck(const std::string& args) {
  return run_command(shell_quote(PORTCHECK_BINARY) + " " + args + " 2>/dev/null");
}

}  // namespace

TEST_CASE("portcheck baseline capture --root: a target --baselines accepts", "[capture]") {
  FakeRoot root("cli");
  build_glibc_root(root);
  auto captured = portcheck("baseline capture --root " + shell_quote(root.dir.string()));
  REQUIRE(captured.exit_code == 0);
  auto target = nlohmann::json::parse(captured.out);
  CHECK(target["id"] == "rocky-9.3");
  CHECK(target["libc"]["version"] == "2.41");
  CHECK(target["symbol_versions"]["x86_64"]["GLIBC"] == "2.41");
  CHECK_FALSE(target.contains("supported"));

  std::string table = root.at("/table.json").string();
  std::ofstream(table) << nlohmann::json{
      {"schema_version", 1}, {"table_date", "2026-01-02"}, {"targets", {target}}};
  auto listed = portcheck("--list-targets --format json --baselines " + shell_quote(table));
  REQUIRE(listed.exit_code == 0);
  CHECK(nlohmann::json::parse(listed.out)["targets"].back()["id"] == "rocky-9.3");
  auto checked = portcheck("-t rocky-9.3 --baselines " + shell_quote(table) + " " +
                           shell_quote(fixture("glibc-2.39")));
  CHECK(checked.exit_code == 0);
}

TEST_CASE("portcheck baseline: usage errors exit 2, a root without a C library 3", "[capture]") {
  CHECK(portcheck("baseline").exit_code == 2);
  CHECK(portcheck("baseline capture --bogus").exit_code == 2);
  CHECK(portcheck("baseline capture --root /nonexistent-portcheck-root").exit_code == 3);
}

}  // namespace portcheck::test
