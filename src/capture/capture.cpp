// `portcheck baseline capture`: each fact of a target read from the root's own files. The C
// library is found first, since its ELF headers name the architecture, the interpreter and the
// multiarch directory every other lookup depends on. What a root cannot tell (release dates,
// what the repositories offer) is left for the user to fill in, and the sources say so.
#include "portcheck/capture.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "c_library.hpp"
#include "libraries.hpp"
#include "os_release.hpp"
#include "portcheck/image.hpp"
#include "portcheck/load.hpp"
#include "portcheck/strings.hpp"
#include "portcheck/symbol_version.hpp"
#include "root_fs.hpp"

namespace portcheck {
namespace {

using capture::CLibrary;
using capture::RootFs;

// What every fact needs: the root, the table in use, the common end of every source.
struct Context {
  const RootFs& fs;
  const BaselineTable& known;
  std::string from;  // "captured from / on 2026-11-25 by portcheck baseline capture"
  std::vector<std::string>& notes;
};

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::optional<RootFs> open_root(const std::string& root) {
  std::error_code error;
  auto absolute = std::filesystem::absolute(root, error);
  if (error || !std::filesystem::is_directory(absolute, error)) return std::nullopt;
  std::string host = std::filesystem::weakly_canonical(absolute, error).string();
  if (error) return std::nullopt;
  return RootFs{root, host == "/" ? "" : host, nullptr};
}

void capture_identity(const Context& c, const CaptureOptions& options, Target& t) {
  auto text = capture::read_text(c.fs, "/etc/os-release");
  if (!text) text = capture::read_text(c.fs, "/usr/lib/os-release");
  auto os = capture::parse_os_release(text.value_or(""));
  if (!text && (!options.id || !options.name || !options.family)) {
    c.notes.push_back("no /etc/os-release or /usr/lib/os-release in " + c.fs.root +
                      ": give --id, --name and --family");
  }
  t.id = options.id.value_or(capture::target_id(os));
  t.name = options.name.value_or(capture::target_name(os));
  t.family = options.family.value_or(capture::target_family(os));
  if (t.id.empty() || !std::isalnum(static_cast<unsigned char>(t.id[0]))) t.id = "captured";
  if (t.name.empty()) t.name = "system captured from " + c.fs.root;
  if (t.family.empty()) t.family = "unknown";
  t.kind = "distro";
}

// A root does not record when its release came out or when support ends.
void capture_dates(const Context& c, const std::string& date, Target& t) {
  t.released = date;
  t.end_of_support = std::nullopt;
  t.dates_source =
      "unknown: released is the day of the capture, not the release's, and no end of "
      "support is recorded; " +
      c.from;
  c.notes.push_back("released and end_of_support are not in the root: edit them by hand");
}

bool capture_libc(const Context& c, const CLibrary& libc, Target& t) {
  t.libc_flavour = libc.flavour;
  t.architectures = {libc.arch};
  if (libc.flavour == "glibc") {
    auto glibc = capture::highest_defined(libc.elf, "GLIBC");
    if (!glibc) return false;
    // A release without new symbols (2.31 defines none beyond GLIBC_2.30) has no node of its
    // own, so the version comes from the library's banner or file name.
    if (auto release = capture::glibc_release(c.fs, libc.path)) {
      t.libc_version = release->version;
      t.libc_source = release->evidence + "; " + c.from;
      return true;
    }
    t.libc_version = dotted(*glibc);
    t.libc_source = "unconfirmed: GLIBC_" + t.libc_version + ", the highest version " + libc.path +
                    " defines (it has no version banner and no versioned name); " + c.from;
    c.notes.push_back("the glibc version is the highest symbol version, which may be older");
    return true;
  }
  if (auto version = capture::musl_version_from_apk(c.fs)) {
    t.libc_version = *version;
    t.libc_source = "musl " + *version + " in /lib/apk/db/installed; " + c.from;
    return true;
  }
  // musl's library carries no version a reader can rely on; 0.0.0 keeps every musl-version
  // check failing until the user writes the real one.
  t.libc_version = "0.0.0";
  t.libc_source = "unknown: no musl package in /lib/apk/db/installed, and " + libc.path +
                  " does not record its version; 0.0.0 stands for unknown; " + c.from;
  c.notes.push_back("the musl version is unknown (no /lib/apk/db/installed): edit libc.version");
  return true;
}

void capture_symbol_versions(const Context& c, const CLibrary& libc,
                             const std::vector<std::string>& dirs, Target& t) {
  FamilyMaxima& maxima = t.symbol_versions[libc.arch];
  std::vector<std::string> read;
  if (libc.flavour == "glibc") {
    maxima["GLIBC"] = *capture::highest_defined(libc.elf, "GLIBC");
    read.push_back(libc.path);
  }
  struct Runtime {
    const char* soname;
    std::vector<const char*> families;
  };
  for (const Runtime& runtime :
       {Runtime{"libstdc++.so.6", {"GLIBCXX", "CXXABI"}}, Runtime{"libgcc_s.so.1", {"GCC"}}}) {
    auto path = capture::find_library(c.fs, dirs, runtime.soname);
    auto facts = path ? capture::load_root_elf(c.fs, *path) : Result<ElfFacts>{FileError{}};
    const auto* elf = std::get_if<ElfFacts>(&facts);
    if (!elf) {
      c.notes.push_back(std::string("no readable ") + runtime.soname +
                        " in the library directories: its families have no maximum");
      continue;
    }
    read.push_back(*path);
    for (const char* family : runtime.families) {
      if (auto highest = capture::highest_defined(*elf, family)) maxima[family] = *highest;
    }
  }
  t.symbol_versions_source = "the highest version each of " + joined(read) + " defines; " + c.from;
}

// The running system's kernel is uname's; an unpacked root runs on whatever kernel its host has.
void capture_kernel(const Context& c, const CLibrary& libc, bool running, Target& t) {
  utsname host{};
  if (running && ::uname(&host) == 0) {
    std::string release = host.release;
    auto numbers = parse_dotted(release.substr(0, release.find_first_not_of("0123456789.")));
    if (numbers && numbers->size() >= 2) {
      t.kernel = dotted({(*numbers)[0], (*numbers)[1]});
      t.kernel_source = "uname: " + release + "; " + c.from;
      return;
    }
  }
  std::string why = "unknown: " + c.fs.root + " is not the running system, and the kernel is " +
                    "the one of whatever system runs it; ";
  auto minimum =
      libc.elf.notes.abi_tag_kernel ? parse_dotted(*libc.elf.notes.abi_tag_kernel) : std::nullopt;
  if (minimum && minimum->size() >= 2) {
    t.kernel = dotted({(*minimum)[0], (*minimum)[1]});
    t.kernel_source = why + t.kernel + " is the oldest kernel " + libc.path +
                      " accepts (.note.ABI-tag); " + c.from;
  } else {
    t.kernel = "0.0";
    t.kernel_source = why + "0.0 stands for unknown; " + c.from;
  }
  c.notes.push_back("the kernel is unknown for a root other than /: kernel.version is " + t.kernel);
}

void capture_isa(const Context& c, const CLibrary& libc, Target& t) {
  t.x86_64_isa = "x86-64";
  if (libc.arch != "x86_64") {
    t.x86_64_isa_source = "not an x86_64 system (" + libc.arch + "); " + c.from;
    return;
  }
  int level = libc.elf.notes.x86_isa_needed.value_or(0);
  if (level >= 2 && level <= 4) t.x86_64_isa = "x86-64-v" + std::to_string(level);
  t.x86_64_isa_source =
      level > 0
          ? libc.path + " is marked as needing " + t.x86_64_isa + " (.note.gnu.property); " + c.from
          : "unconfirmed: " + libc.path + " has no x86 ISA marker, x86-64 assumed; " + c.from;
}

// The interpreter the C library names itself (glibc's libc.so.6 runs as a program), musl's
// loader, or one the table records for this C library and architecture, whichever the root has.
void capture_interpreter(const Context& c, const CLibrary& libc, Target& t) {
  std::vector<std::string> candidates;
  if (libc.elf.interpreter) candidates.push_back(*libc.elf.interpreter);
  if (libc.flavour == "musl") {
    std::string name = libc.path.substr(libc.path.rfind('/') + 1);
    if (name.rfind("ld-musl-", 0) == 0) candidates.push_back("/lib/" + name);
    candidates.push_back("/lib/ld-musl-" + libc.elf.machine + ".so.1");
  }
  for (const auto& target : c.known.targets) {
    auto path = target.interpreters.find(libc.arch);
    // Every target of a family names the same few paths: each is tried, and said, once.
    if (target.libc_flavour == libc.flavour && path != target.interpreters.end() &&
        !contains(candidates, path->second)) {
      candidates.push_back(path->second);
    }
  }
  for (const auto& path : candidates) {
    if (!capture::is_regular_file(c.fs, path)) continue;
    t.interpreters[libc.arch] = path;
    t.interpreters_source = path + " is present; " + c.from;
    return;
  }
  if (candidates.empty()) candidates.push_back("/lib/ld-" + libc.arch + ".so.1");
  t.interpreters[libc.arch] = candidates.front();
  t.interpreters_source = "unconfirmed: none of " + joined(candidates) + " is present; " + c.from;
  c.notes.push_back("no program interpreter found; " + candidates.front() + " assumed");
}

void capture_ca(const Context& c, Target& t) {
  // The CA locations the loader looks for in binaries, and the table's own.
  std::set<std::string> files(known_ca_files().begin(), known_ca_files().end());
  std::set<std::string> dirs(known_ca_dirs().begin(), known_ca_dirs().end());
  for (const auto& target : c.known.targets) {
    files.insert(target.ca_files.begin(), target.ca_files.end());
    dirs.insert(target.ca_dirs.begin(), target.ca_dirs.end());
  }
  for (const auto& file : files) {
    if (capture::is_regular_file(c.fs, file)) t.ca_files.push_back(file);
  }
  for (const auto& dir : dirs) {
    if (capture::is_directory(c.fs, dir)) t.ca_dirs.push_back(dir);
  }
  t.ca_source = "the known CA bundle files and directories present; " + c.from;
}

// The loader's directories: ld.so.conf's (through its cache) and then the default ones.
std::vector<std::string> library_directories(const Context& c,
                                             const std::vector<std::string>& dirs) {
  std::vector<std::string> all = capture::configured_directories(c.fs);
  for (const auto& dir : dirs) {
    if (std::find(all.begin(), all.end(), dir) == all.end()) all.push_back(dir);
  }
  return all;
}

void capture_library_details(const Context& c, const std::vector<capture::PresentLibrary>& found,
                             Target& t) {
  std::vector<std::string> files;
  for (const auto& library : found) files.push_back(library.file);
  auto packages = capture::packages_of(c.fs, files);
  size_t owned = 0;
  for (const auto& library : found) {
    LibraryDetail& detail = t.library_details[library.soname];
    auto package = packages.find(library.file);
    if (package != packages.end()) detail.package = package->second, ++owned;
    detail.versions = library.versions;
  }
  t.library_details_source =
      "the version definitions (.gnu.version_d) of each library file, and the package whose "
      "file list (dpkg's info/*.list, apk's installed database) names it; " +
      c.from;
  if (owned < found.size()) {
    c.notes.push_back(std::to_string(found.size() - owned) +
                      " libraries belong to no package of the root's package database");
  }
}

void capture_libraries(const Context& c, const CLibrary& libc, const std::vector<std::string>& dirs,
                       Target& t) {
  std::vector<std::string> searched = library_directories(c, dirs);
  auto found = capture::present_libraries(c.fs, searched, libc.elf.machine);
  for (const auto& library : found) t.default_libraries.push_back(library.soname);
  std::string extra;
  if (libc.flavour == "musl") {
    // musl's loader answers a NEEDED libc.so itself; musl-gcc links programs against that name.
    t.default_libraries.insert(t.default_libraries.begin(), "libc.so");
    extra = "; libc.so, which musl's loader provides itself";
  }
  t.default_libraries_source = "the sonames of the " + libc.arch + " libraries in " +
                               joined(searched) + " (files named by their own DT_SONAME)" + extra +
                               "; " + c.from;
  capture_library_details(c, found, t);
  t.inventory = {"complete", "",
                 "every shared library the loader finds in the root's library directories "
                 "(ld.so.conf and the default ones), by DT_SONAME",
                 c.from};
  for (const auto& soname : t.default_libraries) {
    if (soname.rfind("libssl.so", 0) == 0 || soname.rfind("libcrypto.so", 0) == 0) {
      t.openssl_default.push_back(soname);
    }
  }
  t.openssl_source = "the libssl and libcrypto sonames among them; " + c.from;
}

// What a capture reads of an image besides the libraries: os-release, ld.so.conf and the
// files of /etc/ld.so.conf.d, and the package databases.
bool is_capture_metadata(const std::string& path) {
  return path == "etc/os-release" || path == "usr/lib/os-release" || path == "etc/ld.so.conf" ||
         (starts_with(path, "etc/ld.so.conf.d/") && path.find('/', 17) == std::string::npos) ||
         path == "lib/apk/db/installed" ||
         (starts_with(path, "var/lib/dpkg/info/") && ends_with(path, ".list"));
}

// The files (inside the image, links followed, no leading '/') that a capture of `fs` reads as
// libraries: whatever a name of shared-library shape in a library directory leads to.
std::set<std::string> library_files(const RootFs& fs) {
  std::vector<std::string> dirs = capture::configured_directories(fs);
  for (const char* dir : {"/lib", "/lib64", "/usr/lib", "/usr/lib64"}) dirs.push_back(dir);
  for (const auto& dir : capture::triplet_directories(fs)) dirs.push_back(dir);
  std::set<std::string> files;
  for (const auto& dir : dirs) {
    for (const auto& name : capture::list_directory(fs, dir)) {
      if (name.find(".so") == std::string::npos) continue;
      auto real = capture::resolve(fs, dir + "/" + name);
      if (real && real->size() > 1) files.insert(real->substr(1));
    }
  }
  return files;
}

Result<ImagePlatform> read_image_platform(const CaptureOptions& options,
                                          std::function<bool(const std::string&)> keep) {
  ImageReadOptions read{options.platform, options.memory_budget, std::move(keep)};
  Result<ContainerImage> read_image = read_container_image(options.image, read);
  if (auto* error = std::get_if<FileError>(&read_image)) return *error;
  auto& image = std::get<ContainerImage>(read_image);
  if (image.platforms.size() > 1) {
    std::vector<std::string> names;
    for (const auto& platform : image.platforms) names.push_back(platform.name);
    return FileError{options.image, ErrorKind::unsupported,
                     "the image holds " + std::to_string(names.size()) + " platforms (" +
                         short_list(names, 8) + "): choose one with --platform"};
  }
  return std::move(image.platforms.front());
}

// The image's architecture as uname names it, from its platform: "linux/arm64" -> "aarch64".
std::string uname_arch(const std::string& platform) {
  static const std::map<std::string, std::string> names{
      {"amd64", "x86_64"},    {"arm64", "aarch64"}, {"386", "i686"},       {"arm", "armv7l"},
      {"ppc64le", "ppc64le"}, {"s390x", "s390x"},   {"riscv64", "riscv64"}};
  std::string arch = platform.substr(platform.find('/') + 1);
  arch = arch.substr(0, arch.find('/'));
  auto found = names.find(arch);
  return found == names.end() ? arch : found->second;
}

struct OpenedRoot {
  RootFs fs;
  std::string arch;  // the architecture to prefer among several C libraries
};

// An image is read twice: for its configuration (which directories ld.so.conf names), then for
// that and the libraries of those directories, so that no other file is held in memory.
Result<OpenedRoot> open_image(const CaptureOptions& options) {
  Result<ImagePlatform> configuration = read_image_platform(options, is_capture_metadata);
  if (auto* error = std::get_if<FileError>(&configuration)) return *error;
  auto& first = std::get<ImagePlatform>(configuration);
  std::string shown = options.image + (options.platform.empty() ? "" : "[" + first.name + "]");
  auto tree = std::make_shared<const ImageTree>(std::move(first.tree));
  std::set<std::string> libraries = library_files(RootFs{shown, options.image, tree});
  Result<ImagePlatform> full = read_image_platform(options, [&libraries](const std::string& path) {
    return is_capture_metadata(path) || libraries.count(path) > 0;
  });
  if (auto* error = std::get_if<FileError>(&full)) return *error;
  auto& platform = std::get<ImagePlatform>(full);
  tree = std::make_shared<const ImageTree>(std::move(platform.tree));
  return OpenedRoot{RootFs{shown, options.image, tree}, uname_arch(platform.name)};
}

Result<OpenedRoot> open_capture_root(const CaptureOptions& options) {
  if (!options.image.empty()) return open_image(options);
  auto fs = open_root(options.root);
  if (!fs) return FileError{options.root, ErrorKind::not_found, "not a directory"};
  utsname host{};
  return OpenedRoot{*fs, ::uname(&host) == 0 ? host.machine : ""};
}

}  // namespace

Result<Capture> capture_baseline(const CaptureOptions& options, const BaselineTable& known) {
  Result<OpenedRoot> opened = open_capture_root(options);
  if (auto* error = std::get_if<FileError>(&opened)) return *error;
  const RootFs* fs = &std::get<OpenedRoot>(opened).fs;
  const std::string& root = fs->root;
  Capture capture;
  Target& t = capture.target;
  Context c{*fs, known,
            "captured from " + root + " on " + options.date + " by portcheck baseline capture",
            capture.notes};
  auto libc = capture::find_c_library(*fs, std::get<OpenedRoot>(opened).arch);
  if (!libc) {
    return FileError{root, ErrorKind::not_found,
                     "no C library found (libc.so.6, libc.musl-*.so.1 or ld-musl-*.so.1 in the "
                     "library directories)"};
  }
  if (!capture_libc(c, *libc, t)) {
    return FileError{libc->path, ErrorKind::unsupported, "defines no numbered GLIBC_ version"};
  }
  for (const auto& other : libc->others) {
    capture.notes.push_back("also found " + other + "; captured " + libc->path + " only");
  }
  std::vector<std::string> dirs = capture::standard_directories(*fs, libc->triplet);
  capture_identity(c, options, t);
  capture_dates(c, options.date, t);
  capture_symbol_versions(c, *libc, dirs, t);
  capture_kernel(c, *libc, fs->host.empty(), t);
  capture_isa(c, *libc, t);
  capture_interpreter(c, *libc, t);
  capture_ca(c, t);
  capture_libraries(c, *libc, dirs, t);
  t.notes = "Captured by portcheck baseline capture from " + root + " on " + options.date +
            ". Dates, installable and absent libraries are not captured.";
  return capture;
}

}  // namespace portcheck
