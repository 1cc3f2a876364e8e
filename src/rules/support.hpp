// Helpers the rules share: the target's limits for the file's architecture, culprit lists, and
// fix hints phrased for the binary's own toolchain.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "portcheck/rules.hpp"
#include "portcheck/strings.hpp"

namespace portcheck::rules {

// The target's highest version of `family` on the file's architecture, if the table knows it.
std::optional<std::vector<int>> target_max(const Facts& facts, const Target& target,
                                           const std::string& family);
bool is_glibc_target(const Target& target);
// The glibc release that first applies DT_RELR (glibc 2.36 NEWS), and that GLIBC_ABI_DT_RELR,
// the version name the linker adds for it, stands for.
extern const std::vector<int> kRelrGlibc;
// ld-linux*.so.N and ld64.so.N: glibc's program interpreter, which the C library answers for.
bool is_glibc_loader(const std::string& soname);
bool is_musl_target(const Target& target);
// A glibc program on a musl target or the reverse: the libc-flavour rule's case.
bool wrong_libc(const Facts& facts, const Target& target);

// Whether the target is the one captured from the file's own container image (-t @image): there
// the libraries its loader finds decide, not the target's recorded maxima.
bool in_own_image(const Facts& facts, const Target& target);

// Symbols (as "symbol@VERSION") bound to a needed version; the version alone when none is.
std::vector<std::string> symbols_bound_to(const Facts& facts, const std::string& version);

// The glibc release a target has, as messages and hints name it: its libc version, or its
// highest GLIBC_ symbol version for the file's architecture when that is newer. A release need
// not define a version of its own number (glibc 2.31 defines nothing newer than GLIBC_2.30 on
// x86_64), and "has 2.30" would send a user looking for a system that does not exist.
std::string glibc_release(const Facts& facts, const Target& target);
std::string hint_older_glibc(const Facts& facts, const Target& target);
std::string hint_static_cxx_runtime(const Facts& facts, const std::string& flag);
std::string hint_static_build(const Facts& facts);
std::string family_display(const std::string& family);

// Whether a NEEDED soname is on the target: nothing when it is (or the release bundles it), else
// a finding of `rule`: warn when installable or unknown, fail when absent, not allowed, missing
// from a complete inventory and its archive, or a library of the release's own that is missing.
// `extra_hint` leads the hint.
std::optional<Finding> library_finding(const Facts& facts, const Target& target,
                                       const BaselineTable& table, const std::string& soname,
                                       const char* rule, const std::string& extra_hint);

}  // namespace portcheck::rules
