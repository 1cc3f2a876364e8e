// The inputs stage: paths named by the user -> byte sources, in a stable order. Directories are
// walked (sorted, symlinks followed once, loops detected), archives read in place with
// libarchive (tar in any compression, zip and wheels, npm tarballs, .deb), RPM packages, snaps
// and AppImages with libsquashfs, container images (docker save, OCI layouts) as the file system
// their layers make, nested archives one level deep. Never writes, never executes, never
// blocks on a special file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "portcheck/facts.hpp"
#include "portcheck/file_bytes.hpp"
#include "portcheck/file_error.hpp"

namespace portcheck {

struct InputFile {
  std::string path;  // exactly as the user named it
  std::vector<uint8_t> bytes;
};

// One ELF file to analyse, or an input that could not be read.
struct InputItem {
  std::string path;       // as named, "dir/sub/tool", or "release.tar.gz!/bin/tool"
  std::string release;    // the command-line argument it was found under
  std::string disk_path;  // where it is on disk; empty inside archives
  FileBytes bytes;
  std::optional<FileError> error;
  std::string modified;   // ISO date of the file's (or archive member's) modification time
  std::string container;  // "release.tgz!/" for an archive member, empty on disk
};

// What analysing a file costs in memory, as a multiple of its size: its bytes, the ELF parser's
// own copy of them, and the parser's model of the file (measured: /usr/bin/node, 99 MB, peaks
// at 279 MB RSS, 2.8 times its size).
constexpr size_t kLoadCostFactor = 3;
// The default of --max-memory, lowered to half of RAM (or of the address-space limit) when that
// is smaller.
constexpr size_t kDefaultMemoryBudget = size_t{4} << 30;

// The largest file (or archive member) a budget lets the run analyse.
constexpr size_t largest_analysable(size_t memory_budget) {
  return memory_budget / kLoadCostFactor;
}

struct WalkOptions {
  std::vector<std::string> excludes;  // globs, matched against the path and the base name
  // An archive member is read only while it holds at most a kLoadCostFactor-th of this.
  size_t memory_budget = kDefaultMemoryBudget;
  // (device, inode) of the files the run will write: met among the inputs, they are reported
  // in WalkStats::outputs_met.
  std::set<std::pair<uint64_t, uint64_t>> outputs;
  // Of a multi-platform container image, only this platform ("linux/arm64"); "" for each.
  std::string platform;
};

// One entry of a container image's /etc/ld.so.cache: the loader finds `soname` at `path` (in the
// image, every link followed: "image.tar!/usr/lib/x86_64-linux-gnu/libz.so.1.2.13") for the
// architectures `flags` says (glibc's FLAG_ELF_LIBC6 and FLAG_*_LIB64 bits).
struct LoaderCacheEntry {
  std::string soname;
  std::string path;
  uint32_t flags = 0;
};

// What a container image's own loader finds without a RUNPATH: its ld.so.cache (ldconfig's
// record of ld.so.conf; the loader never reads ld.so.conf itself), its system directories and
// musl's /etc/ld-musl-<arch>.path.
struct ImageLoader {
  std::vector<LoaderCacheEntry> cache;
  // Each system directory the image has, as the loader names it ("lib/x86_64-linux-gnu"), to
  // where it is once links are followed ("image.tar!/usr/lib/x86_64-linux-gnu").
  std::map<std::string, std::string> dirs;
  // musl's path file by architecture ("x86_64"): its directories, links followed.
  std::map<std::string, std::vector<std::string>> musl_paths;
};

// A second name of a file of the release: a symlink (libfoo.so.1 -> libfoo.so.1.2.3) or a
// hard link. The file is analysed once, under its own name; the loader may find it by either.
struct PathAlias {
  std::string alias;
  std::string target;
};

struct WalkStats {
  size_t skipped = 0;        // files in directories and archives that are not ELF
  size_t symlink_loops = 0;  // directory symlinks not followed again
  size_t excluded = 0;       // files and directories left out by --exclude
  std::vector<PathAlias> aliases;
  size_t alias_bytes = 0;                // the names in `aliases`, bounded
  bool aliases_cut = false;              // some were not recorded, and said so
  std::vector<std::string> outputs_met;  // inputs that are files the run would write
  // What the loader of each container image's platform ("image.tar!/") finds by itself.
  std::map<std::string, ImageLoader> image_loaders;
};

using InputSink = std::function<void(InputItem)>;

// Hands every input to `sink`, in order: the arguments in turn, directory entries sorted by name,
// archive members in archive order. A file named directly that is not ELF is an error item.
void walk_inputs(const std::vector<std::string>& args, const WalkOptions& options,
                 const InputSink& sink, WalkStats& stats);

// Reads a regular file (at most `limit` bytes); directories and special files are errors.
Result<InputFile> read_input(const std::string& path, size_t limit = SIZE_MAX);

// Maps a regular file read-only, whole; directories and special files are errors.
Result<FileBytes> map_input(const std::string& path);

// Whether --exclude leaves `path` out (a glob matching the path or its base name).
bool is_excluded(const WalkOptions& options, const std::string& path);

// Kinds of content told apart by their first bytes.
bool has_elf_magic(const std::vector<uint8_t>& bytes);
bool has_archive_magic(const std::vector<uint8_t>& bytes);

}  // namespace portcheck
