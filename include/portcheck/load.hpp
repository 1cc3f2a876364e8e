// The load stage: one file's bytes -> what the ELF records, read with LIEF and checked against the
// file itself, or a one-line error. The only stage that knows LIEF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portcheck/facts.hpp"
#include "portcheck/file_bytes.hpp"
#include "portcheck/file_error.hpp"

namespace portcheck {

// A mapped file is read by LIEF through its descriptor, a buffer straight from memory.
Result<ElfFacts> load_elf(const std::string& path, const FileBytes& bytes);

// The path of the file the calling thread is loading, or null. A mapped file that another
// process truncates raises SIGBUS when its lost pages are read: the handler names the file.
const char* file_being_loaded();

// The CA bundle files and directories the loader looks for in binaries (distributions, Go's
// list, OpenSSL builds); `baseline capture` checks the same ones on a system.
const std::vector<std::string>& known_ca_files();
const std::vector<std::string>& known_ca_dirs();

}  // namespace portcheck
