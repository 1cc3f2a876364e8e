// The load stage: one file's bytes -> what the ELF records, read with LIEF and checked against the
// file itself, or a one-line error. The only stage that knows LIEF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portcheck/facts.hpp"
#include "portcheck/file_error.hpp"

namespace portcheck {

Result<ElfFacts> load_elf(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace portcheck
