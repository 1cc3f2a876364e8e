#include "support.hpp"

#include <fmt/format.h>

namespace portcheck::rules {

std::optional<std::vector<int>> target_max(const Facts& facts, const Target& target,
                                           const std::string& family) {
  auto arch = target.symbol_versions.find(distro_architecture(facts.elf.machine));
  if (arch == target.symbol_versions.end()) return std::nullopt;
  auto found = arch->second.find(family);
  if (found == arch->second.end()) return std::nullopt;
  return found->second;
}

bool is_glibc_target(const Target& target) { return target.libc_flavour == "glibc"; }

const std::vector<int> kRelrGlibc{2, 36};

bool is_glibc_loader(const std::string& soname) {
  return starts_with(soname, "ld-linux") || starts_with(soname, "ld64.so");
}
bool is_musl_target(const Target& target) { return target.libc_flavour == "musl"; }

bool wrong_libc(const Facts& facts, const Target& target) {
  return (facts.libc == LibcFlavour::glibc && is_musl_target(target)) ||
         (facts.libc == LibcFlavour::musl && is_glibc_target(target));
}

std::vector<std::string> symbols_bound_to(const Facts& facts, const std::string& version) {
  std::vector<std::string> symbols;
  for (const auto& symbol : facts.requirements.culprits) {
    if (symbol.version == version) symbols.push_back(symbol.name + "@" + version);
  }
  if (symbols.empty()) symbols.push_back(version);
  return symbols;
}

namespace {
std::string rust_triple(const Facts& facts, const char* libc) {
  std::string arch = facts.elf.machine == "i386" ? "i686" : facts.elf.machine;
  return fmt::format("{}-unknown-linux-{}", arch, libc);
}
}  // namespace

std::string glibc_release(const Facts& facts, const Target& target) {
  auto symbols = target_max(facts, target, "GLIBC");
  auto release = parse_dotted(target.libc_version);
  if (!symbols) return target.libc_version;
  if (release && compare_numbers(*release, *symbols) > 0) return dotted(*release);
  return dotted(*symbols);
}

std::string hint_older_glibc(const Facts& facts, const Target& target) {
  std::string version = glibc_release(facts, target);
  if (facts.elf.toolchain.rust) {
    return fmt::format(
        "build against glibc {0} with cargo-zigbuild (`cargo zigbuild --target {1}.{0}`), or build "
        "a static musl binary (`--target {2}`; if you use jemalloc, check that it builds for musl)",
        version, rust_triple(facts, "gnu"), rust_triple(facts, "musl"));
  }
  if (facts.elf.toolchain.go) {
    return fmt::format(
        "build with CGO_ENABLED=0 for a static binary that needs no glibc, or build the cgo parts "
        "on "
        "a system with glibc {}",
        version);
  }
  return fmt::format(
      "build on a system with glibc {0} or older (for example a manylinux container of that "
      "glibc), "
      "or with `zig cc -target {1}-linux-gnu.{0}`; or link statically against musl",
      version, facts.elf.machine == "i386" ? "x86" : facts.elf.machine);
}

std::string hint_static_cxx_runtime(const Facts& facts, const std::string& flag) {
  if (facts.elf.toolchain.rust) {
    return fmt::format(
        "link the C/C++ runtime statically ({} in the linker arguments of the crate "
        "that builds C++ code), or build on an older toolchain",
        flag);
  }
  return fmt::format("link the runtime statically ({}), or build with an older toolchain", flag);
}

std::string hint_static_build(const Facts& facts) {
  if (facts.elf.toolchain.rust) {
    return fmt::format(
        "build a static binary with `--target {}` (reqwest: use the `rustls-tls` "
        "feature instead of native-tls)",
        rust_triple(facts, "musl"));
  }
  if (facts.elf.toolchain.go) return "build with CGO_ENABLED=0 for a static binary";
  return "link statically (musl-gcc -static) so that no C library is needed on the target";
}

bool in_own_image(const Facts& facts, const Target& target) {
  return !target.release_scope.empty() && target.release_scope == facts.release;
}

}  // namespace portcheck::rules
