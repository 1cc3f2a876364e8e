#include "machine.hpp"

#include <fmt/format.h>

namespace portcheck::load {

std::string machine_name(uint16_t machine, bool is64, bool big_endian) {
  switch (machine) {
    case 3: return "i386";
    case 62: return "x86_64";
    case 183: return "aarch64";
    case 40: return big_endian ? "armeb" : "arm";
    case 243: return is64 ? "riscv64" : "riscv32";
    case 21: return big_endian ? "ppc64" : "ppc64le";
    case 20: return "ppc";
    case 22: return is64 ? "s390x" : "s390";
    case 258: return is64 ? "loongarch64" : "loongarch32";
    case 8: return std::string(is64 ? "mips64" : "mips") + (big_endian ? "" : "el");
    case 43: return "sparc64";
    case 2: return "sparc";
    case 50: return "ia64";
    case 4: return "m68k";
    case 42: return "sh4";
    case 15: return "hppa";
    case 0x9026: return "alpha";
    default: return fmt::format("unknown-{}", machine);
  }
}

}  // namespace portcheck::load
