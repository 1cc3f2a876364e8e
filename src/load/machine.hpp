#pragma once

#include <cstdint>
#include <string>

namespace portcheck::load {

// e_machine as users and distributions name architectures: x86_64, aarch64, ppc64le, ...
std::string machine_name(uint16_t machine, bool is64, bool big_endian);

}  // namespace portcheck::load
