// Times the marker scans of one file on their own (the TLS/certificate scan, then the toolchain
// and static-libc scans), apart from LIEF: median of 9 runs each, with the bytes they sweep.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <variant>
#include <vector>

#include "markers.hpp"
#include "portcheck/inputs.hpp"
#include "raw_elf.hpp"
#include "text_regions.hpp"

namespace {

template <typename F>
double median_ms(F&& run) {
  std::vector<double> runs;
  for (int i = 0; i < 9; ++i) {
    auto start = std::chrono::steady_clock::now();
    run();
    runs.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: marker_scan FILE\n");
    return 2;
  }
  auto bytes = portcheck::map_input(argv[1]);
  if (!std::holds_alternative<portcheck::FileBytes>(bytes)) return 3;
  const auto& file = std::get<portcheck::FileBytes>(bytes);
  auto raw = portcheck::load::read_raw_elf(file);
  if (!std::holds_alternative<portcheck::load::RawElf>(raw)) return 3;
  portcheck::load::TextRegions text(file, std::get<portcheck::load::RawElf>(raw));
  size_t swept = 0;
  for (auto region : text.regions()) swept += region.size();
  size_t found = 0;
  double tls =
      median_ms([&] { found = portcheck::load::detect_tls_markers(text).cert_paths.size(); });
  portcheck::ElfFacts facts;
  facts.type = portcheck::FileType::static_executable;  // so the static-libc scan runs too
  double others = median_ms([&] {
    portcheck::load::detect_toolchain(file, text, std::get<portcheck::load::RawElf>(raw), facts);
    portcheck::load::detect_static_libc(text, facts);
  });
  std::printf(
      "%.1f MB file, %.1f MB outside code: TLS scan %.1f ms (%zu CA paths), toolchain and "
      "static libc scans %.1f ms\n",
      file.size() / 1048576.0, swept / 1048576.0, tls, found, others);
  return 0;
}
