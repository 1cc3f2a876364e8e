// Progress on stderr while a big tree or archive is read, only when stderr is a terminal; never
// in the report.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>

namespace portcheck::cli {

class Progress {
 public:
  Progress();
  ~Progress();
  void file_done();

 private:
  bool enabled_;
  std::atomic<size_t> done_{0};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
  bool shown_ = false;
};

}  // namespace portcheck::cli
