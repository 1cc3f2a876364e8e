// What holds for every input of every fuzz target: an error is one non-empty line, and loaded
// facts are consistent. A broken rule aborts, which libFuzzer reports as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "portcheck/derive.hpp"
#include "portcheck/load.hpp"

namespace portcheck::fuzz {

inline void check_one_line(const std::string& message) {
  if (!message.empty() && message.find('\n') == std::string::npos) return;
  std::fprintf(stderr, "fuzz: an error message of %zu bytes is not one line: ", message.size());
  for (unsigned char c : message) std::fprintf(stderr, c < 0x20 ? "\\x%02x" : "%c", c);
  std::fprintf(stderr, "\n");
  std::abort();
}

// Every versioned import is bound to a version the file says it needs; facts only where they
// make sense.
inline void check_loaded(const std::string& path, const Result<ElfFacts>& loaded) {
  if (const auto* error = std::get_if<FileError>(&loaded)) {
    check_one_line(error->message);
    return;
  }
  const auto& elf = std::get<ElfFacts>(loaded);
  for (const auto& symbol : elf.imports) {
    bool found = false;
    for (const auto& library : elf.version_needs) {
      if (library.library != symbol.library) continue;
      for (const auto& need : library.versions) found |= need.name == symbol.version;
    }
    if (!found) std::abort();
  }
  Facts facts = derive_facts(path, elf);
  if (facts.requirements.culprits.size() != elf.imports.size()) std::abort();
}

}  // namespace portcheck::fuzz
