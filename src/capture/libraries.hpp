// The shared libraries of a root file system: where they are, and which sonames it offers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "portcheck/facts.hpp"
#include "portcheck/file_error.hpp"
#include "root_fs.hpp"

namespace portcheck::capture {

// The multiarch directories under /lib and /usr/lib ("/usr/lib/x86_64-linux-gnu"), sorted.
std::vector<std::string> triplet_directories(const RootFs& fs);
// The directories a program's libraries are looked for in without RPATH, ld.so.conf or
// LD_LIBRARY_PATH: /lib, /lib64, /usr/lib, /usr/lib64, and /lib/<triplet>, /usr/lib/<triplet>
// when `triplet` is set; the ones that exist, in that order.
std::vector<std::string> standard_directories(const RootFs& fs, const std::string& triplet);

// The ELF facts of a file of the root.
Result<ElfFacts> load_root_elf(const RootFs& fs, const std::string& path);
// The first of `dirs` that holds a regular file (or a link to one) named `name`.
std::optional<std::string> find_library(const RootFs& fs, const std::vector<std::string>& dirs,
                                        const std::string& name);

// The directories /etc/ld.so.conf names (with its `include` globs), which ldconfig puts into
// the loader's cache; the ones that exist, in file order, each once.
std::vector<std::string> configured_directories(const RootFs& fs);

// A shared library the loader finds by its soname, and what it defines.
struct PresentLibrary {
  std::string soname;
  std::string file;                   // the file inside the root, every link followed
  std::vector<std::string> versions;  // its version definitions, without the base entry
};

// Every soname present in `dirs` for `machine`: the names of files whose DT_SONAME is that
// name, as the dynamic loader finds a NEEDED entry. Sorted by soname, each once (the first
// directory wins, as in the loader's search).
std::vector<PresentLibrary> present_libraries(const RootFs& fs,
                                              const std::vector<std::string>& dirs,
                                              const std::string& machine);

// The package of the root's package database that installs each of `files` (paths inside the
// root, every link followed): dpkg's info/*.list or apk's installed database. Files no package
// claims are left out; an empty map when the root has neither database.
std::map<std::string, std::string> packages_of(const RootFs& fs,
                                               const std::vector<std::string>& files);

}  // namespace portcheck::capture
