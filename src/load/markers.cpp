#include "markers.hpp"

#include <algorithm>
#include <string_view>

namespace portcheck::load {
namespace {

bool contains(const std::vector<uint8_t>& bytes, std::string_view needle) {
  auto found = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end(),
                           [](uint8_t a, char b) { return a == static_cast<uint8_t>(b); });
  return found != bytes.end();
}

const RawSection* find_section(const RawElf& raw, std::string_view name) {
  for (const auto& section : raw.sections) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

std::vector<std::string> comment_lines(const std::vector<uint8_t>& bytes, const RawElf& raw) {
  std::vector<std::string> lines;
  const RawSection* comment = find_section(raw, ".comment");
  if (!comment) return lines;
  std::string current;
  for (uint64_t i = comment->offset; i < comment->offset + comment->size; ++i) {
    if (bytes[i] != 0) {
      current.push_back(static_cast<char>(bytes[i]));
      continue;
    }
    bool seen = std::find(lines.begin(), lines.end(), current) != lines.end();
    if (!current.empty() && !seen) lines.push_back(current);
    current.clear();
  }
  return lines;
}

bool imports_any(const ElfFacts& facts, std::string_view prefix) {
  auto starts = [&](const std::string& name) { return name.rfind(prefix, 0) == 0; };
  return std::any_of(facts.unversioned_imports.begin(), facts.unversioned_imports.end(), starts);
}

}  // namespace

Toolchain detect_toolchain(const std::vector<uint8_t>& bytes, const RawElf& raw,
                           const ElfFacts& facts) {
  Toolchain toolchain;
  toolchain.compilers = comment_lines(bytes, raw);
  auto mentions = [&](std::string_view text) {
    return std::any_of(toolchain.compilers.begin(), toolchain.compilers.end(),
                       [&](const std::string& line) { return line.find(text) != line.npos; });
  };
  // rustc leaves its source paths (/rustc/<commit>/library/...) in panic messages of every
  // binary, stripped or not; the panic handler symbol is there when symbols are.
  toolchain.rust = mentions("rustc version") || contains(bytes, "/rustc/") ||
                   contains(bytes, "rust_begin_unwind") || imports_any(facts, "__rust_");
  // Go writes its build info under this magic in every binary since Go 1.13.
  toolchain.go = find_section(raw, ".go.buildinfo") || find_section(raw, ".note.go.buildid") ||
                 contains(bytes, "\xff Go buildinf:");
  return toolchain;
}

StaticLibc detect_static_libc(const std::vector<uint8_t>& bytes, const ElfFacts& facts) {
  StaticLibc libc;
  if (facts.type != FileType::static_executable && facts.type != FileType::static_pie) return libc;
  // glibc's own messages and version names survive stripping; musl leaves no such mark.
  bool glibc = contains(bytes, "Fatal glibc error") || contains(bytes, "GLIBC_PRIVATE") ||
               contains(bytes, "GNU C Library");
  if (!glibc) return libc;
  libc.flavour = "glibc";
  // The module name patterns are linked in exactly when the NSS machinery is.
  libc.uses_nss = contains(bytes, "libnss_%s.so") || contains(bytes, "_nss_%s_%s");
  return libc;
}

}  // namespace portcheck::load
