#include "portcheck/analyse.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "portcheck/derive.hpp"
#include "portcheck/load.hpp"
#include "portcheck/release.hpp"

namespace portcheck {
namespace {

Result<Facts> load_and_derive(const InputItem& item) {
  // load: what the ELF records, checked against the file so damage is an error
  Result<ElfFacts> elf = load_elf(item.path, item.bytes);
  if (auto* error = std::get_if<FileError>(&elf)) return *error;
  // facts: libc flavour, highest version per family, culprits, TLS
  Facts facts = derive_facts(item.path, std::move(std::get<ElfFacts>(elf)));
  facts.release = item.release;
  facts.modified = item.modified;
  facts.container = item.container;
  return facts;
}

std::string mebibytes(size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// The size of a regular file, or nothing for anything else.
std::optional<size_t> regular_file_size(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return static_cast<size_t>(info.st_size);
}

struct Candidate {
  std::string path;     // normalised, on disk
  std::string release;  // of the file that needs it
  size_t size = 0;
};

// The libraries the files of `frontier` find through their search directories that are not
// known yet, in the order the files, their directories and their NEEDED entries come.
std::vector<Candidate> next_candidates(const std::vector<const Facts*>& frontier,
                                       const WalkOptions& options, std::set<std::string>& known) {
  std::vector<Candidate> candidates;
  for (const Facts* facts : frontier) {
    if (!facts->container.empty()) continue;  // archives hold their own
    for (const auto& dir : library_search_dirs(*facts)) {
      for (const auto& soname : facts->elf.needed) {
        std::string path = normalize_path(dir + "/" + soname);
        if (known.count(path) || is_excluded(options, path)) continue;
        std::optional<size_t> size = regular_file_size(path);
        if (!size) continue;
        known.insert(path);
        candidates.push_back({std::move(path), facts->release, *size});
      }
    }
  }
  return candidates;
}

// Analyses `candidates` on `executor`; a library that cannot be mapped or loaded is left out.
std::vector<std::optional<Facts>> analyse_candidates(const std::vector<Candidate>& candidates,
                                                     size_t memory_budget, Executor& executor) {
  std::vector<std::optional<Facts>> results(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    auto task = [&candidate = candidates[i], &result = results[i], memory_budget]() {
      Result<FileBytes> input = map_input(candidate.path);
      if (!std::holds_alternative<FileBytes>(input)) return;
      InputItem item{candidate.path,
                     candidate.release,
                     candidate.path,
                     std::get<FileBytes>(input),
                     {},
                     "",
                     ""};
      Result<Facts> loaded = analyse_input(item, memory_budget);
      if (auto* library = std::get_if<Facts>(&loaded)) result = std::move(*library);
    };
    executor.submit(task, candidates[i].size * kLoadCostFactor);
  }
  executor.wait();
  return results;
}

}  // namespace

Result<Facts> analyse_input(const InputItem& item, size_t memory_budget) {
  if (item.error) return *item.error;
  if (item.bytes.size() > largest_analysable(memory_budget)) {
    return FileError{item.path, ErrorKind::out_of_memory,
                     "analysing a file of " + mebibytes(item.bytes.size()) +
                         " needs more than the memory budget of " + mebibytes(memory_budget) +
                         " (--max-memory)"};
  }
  try {
    return load_and_derive(item);
  } catch (const std::bad_alloc&) {
    return FileError{item.path, ErrorKind::out_of_memory, "memory ran out while analysing it"};
  }
}

AnalysedInputs analyse_inputs(const std::vector<std::string>& paths, const WalkOptions& options,
                              Executor& executor, const std::function<void()>& file_done) {
  AnalysedInputs analysed;
  const size_t budget = options.memory_budget;
  auto submit = [&](InputItem item) {
    auto slot = std::make_shared<Result<Facts>>(FileError{});
    analysed.files.push_back(slot);
    analysed.releases.push_back(item.release);
    size_t weight = item.bytes.size() * kLoadCostFactor;
    executor.submit(
        [slot, item = std::move(item), budget, &file_done]() {
          *slot = analyse_input(item, budget);
          if (file_done) file_done();
        },
        weight);
  };
  walk_inputs(paths, options, submit, analysed.stats);
  executor.wait();
  return analysed;
}

// Breadth first, a level at a time: the candidates of a level are analysed in parallel, and
// taken in the order they were found, so the libraries kept (and which are left out past
// kMaxNeighbours) do not depend on timing.
void add_disk_neighbours(AnalysedInputs& analysed, const WalkOptions& options, Executor& executor) {
  std::set<std::string> known;
  for (const auto& alias : analysed.stats.aliases) known.insert(normalize_path(alias.alias));
  std::vector<const Facts*> frontier;
  for (const auto& slot : analysed.files) {
    if (const auto* facts = std::get_if<Facts>(slot.get())) {
      known.insert(normalize_path(facts->path));
      frontier.push_back(facts);
    }
  }
  while (!frontier.empty() && analysed.neighbours.size() < kMaxNeighbours) {
    std::vector<Candidate> candidates = next_candidates(frontier, options, known);
    frontier.clear();
    // In slices no larger than the room left, so a long list past the limit is not analysed.
    for (size_t start = 0; start < candidates.size();) {
      size_t room = kMaxNeighbours - analysed.neighbours.size();
      if (room == 0) break;
      size_t end = std::min(candidates.size(), start + room);
      std::vector<Candidate> slice(candidates.begin() + start, candidates.begin() + end);
      for (auto& library : analyse_candidates(slice, options.memory_budget, executor)) {
        if (!library) continue;
        analysed.neighbours.push_back(std::move(*library));
        frontier.push_back(&analysed.neighbours.back());
      }
      start = end;
    }
  }
}

}  // namespace portcheck
