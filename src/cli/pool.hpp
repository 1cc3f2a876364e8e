// A fixed set of worker threads with a bounded queue: submit() blocks while `2 * jobs` tasks are
// waiting, or while the files queued and running would weigh more than the budget, so that
// memory stays near what the largest file alone needs whatever the number of files and jobs.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "portcheck/analyse.hpp"

namespace portcheck::cli {

class WorkerPool final : public Executor {
 public:
  // No more threads than a quarter of the address-space limit holds in stacks. Threads that
  // cannot be created (a limit on processes or memory) are done without: the pool runs on those
  // it got, or on the caller's thread.
  explicit WorkerPool(unsigned jobs, size_t memory_budget = SIZE_MAX);
  unsigned jobs() const { return jobs_; }  // worker threads actually running (1: none)
  ~WorkerPool() override;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // `weight`: the bytes the task's file holds. A task is admitted when the weights queued and
  // running, its own included, stay within the budget: the largest weight seen so far plus
  // 64 MB. So two large files never load at once, but small ones keep the other workers busy
  // next to a large one. Weights in flight also stay within `memory_budget`. A task over
  // budget still runs, alone.
  void submit(std::function<void()> task, size_t weight = 0) override;
  void wait() override;  // until every submitted task has finished

 private:
  void work();

  unsigned jobs_;
  std::vector<std::thread> threads_;
  struct Task {
    std::function<void()> run;
    size_t weight;
  };
  bool has_room_for(size_t weight) const;

  std::deque<Task> queue_;
  std::mutex mutex_;
  std::condition_variable has_work_, has_room_, idle_;
  size_t running_ = 0;
  size_t weight_in_flight_ = 0;  // queued and running
  size_t budget_;
  size_t memory_budget_;
  bool stopping_ = false;
};

}  // namespace portcheck::cli
