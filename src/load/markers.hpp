// Toolchain hints: which compilers built the file (.comment) and whether it is a Rust or Go
// program, so later stages can give fix hints in the binary's own toolchain.
#pragma once

#include <cstdint>
#include <vector>

#include "portcheck/facts.hpp"
#include "portcheck/file_bytes.hpp"
#include "raw_elf.hpp"
#include "text_regions.hpp"

namespace portcheck::load {

Toolchain detect_toolchain(const FileBytes& bytes, const TextRegions& text, const RawElf& raw,
                           const ElfFacts& facts);

// For static executables: which C library is inside and whether it carries glibc's NSS.
StaticLibc detect_static_libc(const TextRegions& text, const ElfFacts& facts);

// TLS stacks, OpenSSL build paths and CA locations named in the file (tls_markers.cpp).
TlsMarkers detect_tls_markers(const TextRegions& text);

}  // namespace portcheck::load
