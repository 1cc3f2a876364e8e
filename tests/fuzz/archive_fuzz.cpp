// libFuzzer target: any bytes as an archive or package, through read_archive_bytes as the walk
// reads an archive named on the command line (tar in any compression, zip, .deb, an archive
// inside it); each ELF member goes through load_elf and derive_facts as in load_fuzz. Every
// member is an item or an error, within the member size limit.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "archive.hpp"
#include "fuzz_checks.hpp"

namespace {

// The walk's limit on an archive member, lowered so a decompression bomb stops at 32 MiB, well
// inside libFuzzer's -malloc_limit_mb.
constexpr size_t kMemberLimit = size_t{32} << 20;

void analyse(const portcheck::InputItem& item) {
  if (item.path.rfind("fuzz.tar", 0) != 0) std::abort();
  if (item.error) {
    // Not one line: libarchive's messages quote member names, bytes of the input that the
    // output escapes (escape_text) where it prints them.
    if (item.error->message.empty()) std::abort();
    return;
  }
  if (item.bytes.size() > kMemberLimit) std::abort();
  portcheck::fuzz::check_loaded(item.path, portcheck::load_elf(item.path, item.bytes));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  portcheck::WalkOptions options;
  options.memory_budget = kMemberLimit * portcheck::kLoadCostFactor;
  portcheck::WalkStats stats;
  portcheck::InputSink sink = analyse;
  portcheck::inputs::ArchiveContext context{"fuzz.tar", options, sink, stats, true};
  portcheck::inputs::read_archive_bytes(bytes, "fuzz.tar", 1, context);
  return 0;
}
