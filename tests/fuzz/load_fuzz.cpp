// libFuzzer target: any bytes -> load_elf -> derive_facts. The load stage must turn every input
// into facts or a FileError: a crash, a sanitizer report, a hang (libFuzzer's -timeout) or an
// allocation beyond -rss_limit_mb / -malloc_limit_mb is a bug. scripts/fuzz.sh builds and runs it.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  portcheck::fuzz::check_loaded("fuzz", portcheck::load_elf("fuzz", bytes));
  return 0;
}
