// The worker pool's memory budget: files queued and running weigh at most the largest file seen
// plus 64 MB, so two large files are never parsed at once; a file over budget runs alone.
#include "pool.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <thread>

namespace portcheck::test {
namespace {

constexpr size_t kMb = size_t{1} << 20;

// Runs tasks of the given weights on `jobs` workers; returns the largest total weight that ran
// at the same moment, and how many ran at once at most.
std::pair<size_t, size_t> peak(unsigned jobs, const std::vector<size_t>& weights) {
  std::mutex mutex;
  size_t running = 0, running_weight = 0, most = 0, heaviest = 0;
  std::atomic<size_t> done{0};
  {
    cli::WorkerPool pool(jobs);
    for (size_t weight : weights) {
      pool.submit(
          [&, weight] {
            {
              std::lock_guard<std::mutex> lock(mutex);
              ++running;
              running_weight += weight;
              most = std::max(most, running);
              heaviest = std::max(heaviest, running_weight);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            std::lock_guard<std::mutex> lock(mutex);
            --running;
            running_weight -= weight;
            ++done;
          },
          weight);
    }
    pool.wait();
  }
  REQUIRE(done == weights.size());
  return {heaviest, most};
}

}  // namespace

TEST_CASE("two large files never run at once, whatever the jobs", "[cli]") {
  std::vector<size_t> large(8, 300 * kMb);
  auto [heaviest, most] = peak(4, large);
  CHECK(heaviest == 300 * kMb);
  CHECK(most == 1);
}

TEST_CASE("small files share the budget beside a large one", "[cli]") {
  std::vector<size_t> weights{300 * kMb};
  for (int i = 0; i < 30; ++i) weights.push_back(10 * kMb);
  weights.push_back(300 * kMb);
  auto [heaviest, most] = peak(4, weights);
  CHECK(heaviest <= 300 * kMb + 64 * kMb);
}

TEST_CASE("small files alone run on every worker", "[cli]") {
  std::vector<size_t> small(40, 1 * kMb);
  auto [heaviest, most] = peak(4, small);
  CHECK(heaviest <= 64 * kMb);
  CHECK(most >= 2);  // 10 ms each: the workers overlap
}

}  // namespace portcheck::test
