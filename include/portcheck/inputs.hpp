// The inputs stage: paths named by the user -> byte sources. Never writes, never executes, never
// blocks on a special file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portcheck/facts.hpp"
#include "portcheck/file_error.hpp"

namespace portcheck {

struct InputFile {
  std::string path;  // exactly as the user named it
  std::vector<uint8_t> bytes;
};

Result<InputFile> read_input(const std::string& path);

// NEEDED sonames present beside the file through $ORIGIN in its RPATH/RUNPATH.
std::vector<std::string> find_bundled(const std::string& path, const ElfFacts& elf);

}  // namespace portcheck
