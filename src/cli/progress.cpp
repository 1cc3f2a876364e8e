#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace portcheck::cli {

Progress::Progress() : enabled_(::isatty(STDERR_FILENO) != 0) {}

Progress::~Progress() {
  if (shown_) std::fputs("\r\x1b[K", stderr);
}

void Progress::file_done() {
  size_t done = ++done_;
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  shown_ = true;
  std::fprintf(stderr, "\rportcheck: %zu files analysed", done);
  std::fflush(stderr);
}

}  // namespace portcheck::cli
