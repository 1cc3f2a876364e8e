#include "pool.hpp"

#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <climits>
#include <system_error>

namespace portcheck::cli {
namespace {

// What small files may take next to the largest: a dozen typical libraries at once.
constexpr size_t kSmallFiles = size_t{64} << 20;

// The threads whose stacks fit in a quarter of the address-space limit (ulimit -v), so that the
// files keep the rest: started until creation fails, threads would leave none, and every
// allocation of the analysis would fail. Unlimited without a limit.
unsigned threads_the_address_space_holds() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return UINT_MAX;
  size_t stack = size_t{8} << 20;  // glibc's default when the stack limit is unlimited
  pthread_attr_t attributes;
  if (::pthread_attr_init(&attributes) == 0) {
    ::pthread_attr_getstacksize(&attributes, &stack);
    ::pthread_attr_destroy(&attributes);
  }
  uint64_t threads = limit.rlim_cur / 4 / std::max<size_t>(stack, 1);
  return static_cast<unsigned>(std::clamp<uint64_t>(threads, 1, UINT_MAX));
}

}  // namespace

WorkerPool::WorkerPool(unsigned jobs, size_t memory_budget)
    : jobs_(std::min(std::max(jobs, 1u), threads_the_address_space_holds())),
      budget_(kSmallFiles),
      memory_budget_(memory_budget) {
  // One job runs tasks on the caller's thread: no threads, the simplest possible order.
  if (jobs_ == 1) return;
  for (unsigned i = 0; i < jobs_; ++i) {
    try {
      threads_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      break;  // a process or memory limit: the threads already started do the work
    }
  }
  jobs_ = std::max<unsigned>(1, static_cast<unsigned>(threads_.size()));
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  has_work_.notify_all();
  for (auto& thread : threads_) thread.join();
}

bool WorkerPool::has_room_for(size_t weight) const {
  if (queue_.size() >= 2 * jobs_) return false;
  return weight_in_flight_ == 0 || weight_in_flight_ + weight <= std::min(budget_, memory_budget_);
}

void WorkerPool::submit(std::function<void()> task, size_t weight) {
  if (threads_.empty()) {
    task();
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  budget_ = std::max(budget_, weight + kSmallFiles);
  has_room_.wait(lock, [&] { return has_room_for(weight); });
  queue_.push_back(Task{std::move(task), weight});
  weight_in_flight_ += weight;
  has_work_.notify_one();
}

void WorkerPool::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void WorkerPool::work() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      has_work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    has_room_.notify_one();
    task.run();
    task.run = nullptr;  // the file it held is released before its weight is
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --running_;
      weight_in_flight_ -= task.weight;
    }
    has_room_.notify_one();
    idle_.notify_all();
  }
}

}  // namespace portcheck::cli
