// A fixed set of worker threads with a bounded queue: submit() blocks while `2 * jobs` tasks are
// waiting, so a producer reading a large release never holds more than that many files in memory.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace portcheck::cli {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned jobs);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> task);
  void wait();  // until every submitted task has finished

 private:
  void work();

  unsigned jobs_;
  std::vector<std::thread> threads_;
  std::deque<std::function<void()>> queue_;
  std::mutex mutex_;
  std::condition_variable has_work_, has_room_, idle_;
  size_t running_ = 0;
  bool stopping_ = false;
};

}  // namespace portcheck::cli
