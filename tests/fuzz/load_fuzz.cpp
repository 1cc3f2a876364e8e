// libFuzzer target: any bytes -> load_elf -> derive_facts. The load stage must turn every input
// into facts or a FileError: a crash, a sanitizer report, a hang (libFuzzer's -timeout) or an
// allocation beyond -rss_limit_mb / -malloc_limit_mb is a bug. scripts/fuzz.sh builds and runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "portcheck/derive.hpp"
#include "portcheck/load.hpp"

namespace {

// What holds whatever the input: one error per file, one line; facts only where they make sense.
void check(const portcheck::Result<portcheck::ElfFacts>& loaded) {
  if (const auto* error = std::get_if<portcheck::FileError>(&loaded)) {
    if (error->message.empty() || error->message.find('\n') != std::string::npos) std::abort();
    return;
  }
  const auto& elf = std::get<portcheck::ElfFacts>(loaded);
  // Every versioned import is bound to a version the file says it needs.
  for (const auto& symbol : elf.imports) {
    bool found = false;
    for (const auto& library : elf.version_needs) {
      if (library.library != symbol.library) continue;
      for (const auto& need : library.versions) found |= need.name == symbol.version;
    }
    if (!found) std::abort();
  }
  portcheck::Facts facts = portcheck::derive_facts("fuzz", elf);
  if (facts.requirements.culprits.size() != elf.imports.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  check(portcheck::load_elf("fuzz", bytes));
  return 0;
}
