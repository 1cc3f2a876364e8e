// The facts stage: gives the raw ELF facts their meaning. Pure functions, no I/O.
#pragma once

#include <string>

#include "portcheck/facts.hpp"

namespace portcheck {

LibcFlavour detect_libc(const ElfFacts& elf);
Requirements summarize_requirements(const ElfFacts& elf);
Facts derive_facts(std::string path, ElfFacts elf);

}  // namespace portcheck
