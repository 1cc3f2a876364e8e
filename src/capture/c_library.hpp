// The C library of a root file system: which file it is, its flavour, its version and what its
// ELF headers say about the system (architecture, interpreter, minimum kernel, x86-64 level).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "portcheck/facts.hpp"
#include "root_fs.hpp"

namespace portcheck::capture {

struct CLibrary {
  std::string path;     // inside the root, where it was found: "/lib/x86_64-linux-gnu/libc.so.6"
  std::string flavour;  // "glibc" or "musl"
  std::string arch;     // as the table names architectures: x86_64, i686, aarch64, ...
  std::string triplet;  // the multiarch directory it is in ("x86_64-linux-gnu"), or ""
  ElfFacts elf;
  std::vector<std::string> others;  // further C libraries found (other architectures), for a note
};

// glibc's libc.so.6 in the library directories, else musl's libc.musl-*.so.1 or ld-musl-*.so.1;
// with several architectures, the one of `preferred_arch` (the host's) first.
std::optional<CLibrary> find_c_library(const RootFs& fs, const std::string& preferred_arch);

// The highest numbered version a library defines in one family (GLIBC, GLIBCXX, CXXABI, GCC).
std::optional<std::vector<int>> highest_defined(const ElfFacts& elf, const std::string& family);

// glibc's release version, from the banner every libc.so.6 carries ("... release version
// 2.36.") or else its file name (libc-2.31.so), with the evidence for the source.
struct GlibcRelease {
  std::string version;
  std::string evidence;
};
std::optional<GlibcRelease> glibc_release(const RootFs& fs, const std::string& path);

// musl's version from the apk database (/lib/apk/db/installed, package "musl"), as x.y.z.
std::optional<std::string> musl_version_from_apk(const RootFs& fs);

}  // namespace portcheck::capture
