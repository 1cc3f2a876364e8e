// The facts stage: gives the raw ELF facts their meaning. Pure functions, no I/O.
#pragma once

#include <string>

#include "portcheck/facts.hpp"

namespace portcheck {

LibcFlavour detect_libc(const ElfFacts& elf);
Requirements summarize_requirements(const ElfFacts& elf);
TlsFacts detect_tls(const ElfFacts& elf);
// A NEEDED soname of a TLS library, with the stack it belongs to ("" if none).
std::string tls_stack_of_soname(const std::string& soname);
Facts derive_facts(std::string path, ElfFacts elf);

}  // namespace portcheck
