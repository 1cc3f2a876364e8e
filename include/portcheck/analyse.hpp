// The release stage's first half: every input read (inputs), loaded (load) and described (facts),
// then the libraries a named file finds beside it on disk, so that the release is complete
// before NEEDED is resolved in it (portcheck/release.hpp).
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "portcheck/facts.hpp"
#include "portcheck/file_error.hpp"
#include "portcheck/inputs.hpp"

namespace portcheck {

// Where the stage's work runs: the command line's worker pool, or the caller's thread.
class Executor {
 public:
  virtual ~Executor() = default;
  // `weight`: the bytes the task's file holds, for an executor that bounds memory in flight.
  virtual void submit(std::function<void()> task, size_t weight) = 0;
  virtual void wait() = 0;  // until every submitted task has finished
};

// Runs each task at once, on the caller's thread.
class InlineExecutor final : public Executor {
 public:
  void submit(std::function<void()> task, size_t) override { task(); }
  void wait() override {}
};

// One file loaded and described, when what it costs fits the memory budget; running out of
// memory anyway is an error of that file, and the run goes on.
Result<Facts> analyse_input(const InputItem& item, size_t memory_budget);

struct AnalysedInputs {
  std::vector<std::shared_ptr<Result<Facts>>> files;  // in input order
  std::vector<std::string> releases;                  // the release of each, errors included
  // Libraries found on disk beside the named files, in the order they were found; stable
  // addresses, since releases point at them.
  std::deque<Facts> neighbours;
  WalkStats stats;
};

// Every file of every path (directories and archives walked), analysed on `executor`; the
// results are in input order whatever the timing. `file_done` is called once per file, from
// the thread that analysed it.
AnalysedInputs analyse_inputs(const std::vector<std::string>& paths, const WalkOptions& options,
                              Executor& executor, const std::function<void()>& file_done = {});

// A file named alone still has its release around it on disk: the libraries its RUNPATH finds
// (through $ORIGIN, transitively) are analysed on `executor` too, so that their needs count
// toward its verdict. At most kMaxNeighbours of them, in the order a breadth-first walk from
// the inputs meets them.
constexpr size_t kMaxNeighbours = 4096;
void add_disk_neighbours(AnalysedInputs& analysed, const WalkOptions& options, Executor& executor);

}  // namespace portcheck
