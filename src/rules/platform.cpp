// Rules on the platform under the C library: architecture, C library flavour, x86-64 ISA level
// and the minimum kernel the file declares.
#include <fmt/format.h>

#include <algorithm>

#include "support.hpp"

namespace portcheck::rules {
namespace {

void check_architecture(const Facts& facts, const Target& target, const BaselineTable&,
                        std::vector<Finding>& out) {
  if (facts.elf.type == FileType::relocatable || facts.elf.type == FileType::core) return;
  std::string arch = distro_architecture(facts.elf.machine);
  const auto& archs = target.architectures;
  if (std::find(archs.begin(), archs.end(), arch) != archs.end()) return;
  out.push_back({"architecture",
                 Severity::fail,
                 fmt::format("built for {}; {} is available for {}", arch, target.id,
                             short_list(archs, archs.size())),
                 fmt::format("build a {} binary for this target", archs.front()),
                 {arch}});
}

void check_libc_flavour(const Facts& facts, const Target& target, const BaselineTable&,
                        std::vector<Finding>& out) {
  if (facts.libc == LibcFlavour::glibc && is_musl_target(target)) {
    out.push_back({"libc-flavour",
                   Severity::fail,
                   fmt::format("a glibc program; {} has musl and no glibc loader ({})", target.id,
                               facts.elf.interpreter.value_or("libc.so.6")),
                   hint_static_build(facts) + "; Alpine's gcompat package runs some glibc programs",
                   {facts.elf.interpreter.value_or("libc.so.6")}});
  } else if (facts.libc == LibcFlavour::musl && is_glibc_target(target)) {
    out.push_back({"libc-flavour",
                   Severity::fail,
                   fmt::format("a musl program; {} has glibc and no musl loader ({})", target.id,
                               facts.elf.interpreter.value_or("libc.so")),
                   "link statically against musl (musl-gcc -static; Rust's musl targets do so by "
                   "default), or build against glibc",
                   {facts.elf.interpreter.value_or("libc.so")}});
  }
}

// musl does not check symbol versions at all: a musl program that still carries GLIBC_ needs
// (prebuilt addons linked against glibc) loads, and fails only when a symbol is missing.
void check_musl_glibc_versions(const Facts& facts, const Target& target, const BaselineTable&,
                               std::vector<Finding>& out) {
  if (facts.libc != LibcFlavour::musl || !is_musl_target(target) || in_own_image(facts, target)) {
    return;
  }
  auto glibc = facts.requirements.max.find("GLIBC");
  if (glibc == facts.requirements.max.end()) return;
  out.push_back({"musl-glibc-versions",
                 Severity::warn,
                 fmt::format("a musl program that carries glibc version needs (up to {}); musl "
                             "ignores symbol versions, so a glibc-only symbol fails only when it "
                             "is looked up at run time",
                             glibc->second.name),
                 "rebuild the parts linked against glibc for musl (for Node addons: the "
                 "linuxmusl prebuilds)",
                 {glibc->second.name}});
}

int isa_level(const std::string& name) {
  if (name.rfind("x86-64-v", 0) == 0) return name.back() - '0';
  return 1;
}

std::string isa_name(int level) { return level <= 1 ? "x86-64" : fmt::format("x86-64-v{}", level); }

// The CPUs a level leaves out, for the message.
const char* excluded_cpus(int level) {
  switch (level) {
    case 2: return "CPUs without SSE4.2/POPCNT, such as Core 2 and older Atom";
    case 3:
      return "CPUs without AVX2/FMA/BMI2, such as pre-Haswell Intel, pre-Excavator AMD and many "
             "Atom, Celeron and Pentium models";
    default: return "CPUs without AVX-512, which is most desktop and laptop CPUs";
  }
}

// glibc 2.33 and later refuse to load an object marked for an ISA level the CPU lacks; the target
// runs on every CPU of its baseline, so above it the file fails on part of the target's
// machines. No note at all says nothing: the level is unknown, not the baseline.
void check_isa_level(const Facts& facts, const Target& target, const BaselineTable&,
                     std::vector<Finding>& out) {
  if (facts.elf.machine != "x86_64" || !facts.elf.notes.x86_isa_needed) return;
  int needed = *facts.elf.notes.x86_isa_needed;
  if (needed <= isa_level(target.x86_64_isa)) return;
  out.push_back({"x86-isa-level",
                 Severity::fail,
                 fmt::format("marked as needing an {} CPU; {} runs on {} CPUs, and the file will "
                             "not load on {}",
                             isa_name(needed), target.id, target.x86_64_isa, excluded_cpus(needed)),
                 fmt::format("build with -march={} (or lower), or drop the ISA marker "
                             "(-Wl,-z,x86-64-baseline) if the code checks the CPU at run time",
                             target.x86_64_isa),
                 {isa_name(needed)}});
}

void check_kernel(const Facts& facts, const Target& target, const BaselineTable&,
                  std::vector<Finding>& out) {
  if (!facts.elf.notes.abi_tag_kernel) return;
  auto needed = parse_dotted(*facts.elf.notes.abi_tag_kernel);
  auto has = parse_dotted(target.kernel);
  // A target captured from a root or an image records 0.0: whatever kernel runs it, unknown.
  if (!needed || !has || *has == std::vector<int>{0, 0}) return;
  // Compare major.minor only: the table records x.y, and ABI tags rarely use the third number.
  std::vector<int> needed_xy(needed->begin(),
                             needed->begin() + std::min<size_t>(2, needed->size()));
  if (compare_numbers(needed_xy, *has) <= 0) return;
  out.push_back({"kernel-version",
                 Severity::fail,
                 fmt::format("declares a minimum kernel of {}; {} ships {} (in a container the "
                             "host's kernel counts)",
                             *facts.elf.notes.abi_tag_kernel, target.id, target.kernel),
                 "build against an older glibc, whose crt files carry a lower ABI tag",
                 {*facts.elf.notes.abi_tag_kernel}});
}

}  // namespace

extern const Rule kArchitectureRule{"architecture",
                                    "the target is not available for the file's "
                                    "architecture",
                                    check_architecture};
extern const Rule kLibcFlavourRule{
    "libc-flavour", "glibc program on musl, or musl program on glibc", check_libc_flavour};
extern const Rule kMuslGlibcVersionsRule{
    "musl-glibc-versions", "musl program with glibc symbol versions", check_musl_glibc_versions};
extern const Rule kIsaLevelRule{"x86-isa-level", "x86-64 ISA level above the target's baseline",
                                check_isa_level};
extern const Rule kKernelRule{"kernel-version", "minimum kernel (ABI tag) above the target's",
                              check_kernel};

}  // namespace portcheck::rules
