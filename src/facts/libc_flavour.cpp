// Which C library a file was linked against, from the evidence the loader would use: the
// interpreter first (it decides which loader runs), then the NEEDED entries, then the versions.
#include <algorithm>

#include "portcheck/derive.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

bool is_glibc_interpreter(const std::string& name) {
  return starts_with(name, "ld-linux") || starts_with(name, "ld64.so.") || name == "ld.so.1";
}

// musl-gcc names its libc plain "libc.so"; Alpine's gcompat-era packages use libc.musl-<arch>.
bool is_musl_soname(const std::string& name) {
  return name == "libc.so" || starts_with(name, "libc.musl-");
}

bool needs_glibc_versions(const ElfFacts& elf) {
  for (const auto& library : elf.version_needs) {
    for (const auto& need : library.versions) {
      if (starts_with(need.name, "GLIBC_")) return true;
    }
  }
  return false;
}

}  // namespace

LibcFlavour detect_libc(const ElfFacts& elf) {
  if (elf.type == FileType::static_executable || elf.type == FileType::static_pie) {
    return LibcFlavour::static_linked;
  }
  if (elf.interpreter) {
    std::string name = file_name(*elf.interpreter);
    if (starts_with(name, "ld-musl-")) return LibcFlavour::musl;
    if (is_glibc_interpreter(name)) return LibcFlavour::glibc;
  }
  const auto& needed = elf.needed;
  if (std::any_of(needed.begin(), needed.end(), is_musl_soname)) return LibcFlavour::musl;
  if (std::find(needed.begin(), needed.end(), "libc.so.6") != needed.end()) {
    return LibcFlavour::glibc;
  }
  if (needs_glibc_versions(elf)) return LibcFlavour::glibc;
  if (elf.type == FileType::relocatable || elf.type == FileType::core) return LibcFlavour::none;
  if (!elf.interpreter && elf.type == FileType::shared_library) return LibcFlavour::none;
  return LibcFlavour::unknown;
}

}  // namespace portcheck
