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

// The CA bundle files and directories the loader looks for in binaries (distributions, Go's
// list, OpenSSL builds); `baseline capture` checks the same ones on a system.
const std::vector<std::string>& known_ca_files();
const std::vector<std::string>& known_ca_dirs();

}  // namespace portcheck
