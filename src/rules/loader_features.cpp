// Rules on what the dynamic loader must support or allow: DT_RELR relocations and an executable
// stack. Neither shows up as a symbol version in every case, so both are checked directly.
#include <fmt/format.h>

#include <algorithm>

#include "support.hpp"

namespace portcheck::rules {
namespace {

const std::vector<int> kRelrMusl{1, 2, 4};        // musl 1.2.4 WHATSNEW: DT_RELR support
const std::vector<int> kNoExecStackGlibc{2, 41};  // glibc 2.41 NEWS: dlopen refuses exec stacks

bool has_special(const Facts& facts, const char* name) {
  const auto& special = facts.requirements.special;
  return std::find(special.begin(), special.end(), name) != special.end();
}

// Old loaders skip dynamic tags they do not know: DT_RELR relocations would simply not be
// applied, and the program would crash on its first use of a relocated pointer.
void check_relr(const Facts& facts, const Target& target, const BaselineTable&,
                std::vector<Finding>& out) {
  if (!facts.elf.relr || facts.libc == LibcFlavour::static_linked) return;
  if (is_glibc_target(target) && facts.libc == LibcFlavour::glibc) {
    if (has_special(facts, "GLIBC_ABI_DT_RELR")) return;  // glibc-version judges the need
    auto glibc = target_max(facts, target, "GLIBC");
    if (!glibc || compare_numbers(*glibc, kRelrGlibc) >= 0) return;
    out.push_back({"relr",
                   Severity::fail,
                   fmt::format("uses DT_RELR relocations without a GLIBC_ABI_DT_RELR need; {} has "
                               "glibc {}, which ignores them (support came in 2.36)",
                               target.id, dotted(*glibc)),
                   "link without -z pack-relative-relocs, or with a linker that records "
                   "GLIBC_ABI_DT_RELR",
                   {"DT_RELR"}});
  } else if (is_musl_target(target) && facts.libc == LibcFlavour::musl) {
    auto musl = parse_dotted(target.libc_version);
    if (!musl || compare_numbers(*musl, kRelrMusl) >= 0) return;
    out.push_back({"relr",
                   Severity::fail,
                   fmt::format("uses DT_RELR relocations; {} has musl {}, which does not apply "
                               "them (support came in 1.2.4)",
                               target.id, target.libc_version),
                   "link without -z pack-relative-relocs",
                   {"DT_RELR"}});
  }
}

bool executable_stack(const Facts& facts) {
  if (facts.elf.stack == "executable") return true;
  // Without PT_GNU_STACK the x86 loaders fall back to an executable stack.
  return facts.elf.stack == "absent" &&
         (facts.elf.machine == "x86_64" || facts.elf.machine == "i386");
}

void check_exec_stack(const Facts& facts, const Target& target, const BaselineTable&,
                      std::vector<Finding>& out) {
  if (!executable_stack(facts)) return;
  std::string why =
      facts.elf.stack == "absent" ? "has no PT_GNU_STACK header, so it gets" : "asks for";
  std::string hint =
      "link with -Wl,-z,noexecstack and find the object without a .note.GNU-stack section "
      "(usually assembly): `readelf -lW` on the objects, or scanelf -e";
  auto glibc = target_max(facts, target, "GLIBC");
  bool refused = facts.elf.type == FileType::shared_library && is_glibc_target(target) && glibc &&
                 compare_numbers(*glibc, kNoExecStackGlibc) >= 0;
  if (refused) {
    out.push_back({"exec-stack",
                   Severity::fail,
                   fmt::format("{} an executable stack; glibc {} on {} refuses to dlopen such a "
                               "library (since 2.41)",
                               why, dotted(*glibc), target.id),
                   hint,
                   {facts.path}});
    return;
  }
  out.push_back({"exec-stack",
                 Severity::warn,
                 fmt::format("{} an executable stack: a security risk, and hardened systems "
                             "(SELinux execmem, glibc 2.41+ dlopen) refuse it",
                             why),
                 hint,
                 {facts.path}});
}

}  // namespace

extern const Rule kRelrRule{"relr", "DT_RELR relocations the target's loader does not apply",
                            check_relr};
extern const Rule kExecStackRule{"exec-stack", "executable stack, refused by newer loaders",
                                 check_exec_stack};

}  // namespace portcheck::rules
