#include "markers.hpp"

#include <algorithm>
#include <string_view>

namespace portcheck::load {
namespace {

const RawSection* find_section(const RawElf& raw, std::string_view name) {
  for (const auto& section : raw.sections) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

std::vector<std::string> comment_lines(const FileBytes& bytes, const RawElf& raw) {
  std::vector<std::string> lines;
  const RawSection* comment = find_section(raw, ".comment");
  // Only sections with file bytes are checked against the file: a NOBITS one may claim any size.
  constexpr uint32_t SHT_NOBITS = 8;
  if (!comment || comment->type == SHT_NOBITS || comment->offset > bytes.size() ||
      comment->size > bytes.size() - comment->offset) {
    return lines;
  }
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

Toolchain detect_toolchain(const FileBytes& bytes, const TextRegions& text, const RawElf& raw,
                           const ElfFacts& facts) {
  Toolchain toolchain;
  toolchain.compilers = comment_lines(bytes, raw);
  auto mentions = [&](std::string_view words) {
    return std::any_of(toolchain.compilers.begin(), toolchain.compilers.end(),
                       [&](const std::string& line) { return line.find(words) != line.npos; });
  };
  // rustc leaves its source paths (/rustc/<commit>/library/...) in panic messages of every
  // binary, stripped or not; the panic handler symbol is there when symbols are. Go writes its
  // build info under the last magic in every binary since Go 1.13.
  static const MultiSearch markers(
      {needle("/ru|stc/"), needle("rus|t_begin_unwind"), needle("\xff G|o buildinf:")});
  std::vector<bool> found = text.contains_each(markers);
  toolchain.rust =
      mentions("rustc version") || found[0] || found[1] || imports_any(facts, "__rust_");
  toolchain.go =
      find_section(raw, ".go.buildinfo") || find_section(raw, ".note.go.buildid") || found[2];
  return toolchain;
}

StaticLibc detect_static_libc(const TextRegions& text, const ElfFacts& facts) {
  StaticLibc libc;
  if (facts.type != FileType::static_executable && facts.type != FileType::static_pie) return libc;
  // glibc's own messages and version names survive stripping; musl leaves no such mark. The
  // NSS module name patterns are linked in exactly when the NSS machinery is.
  static const MultiSearch markers({"Fatal glibc error", "GLIBC_PRIVATE", "GNU C Library",
                                    needle("lib|nss_%s.so"), needle("_ns|s_%s_%s")});
  std::vector<bool> found = text.contains_each(markers);
  if (!found[0] && !found[1] && !found[2]) return libc;
  libc.flavour = "glibc";
  libc.uses_nss = found[3] || found[4];
  return libc;
}

}  // namespace portcheck::load
