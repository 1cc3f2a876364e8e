// Rules on paths baked into the file: RPATH/RUNPATH into the build machine, and the interpreter.
#include <fmt/format.h>

#include <algorithm>

#include "portcheck/strings.hpp"
#include "support.hpp"

namespace portcheck::rules {
namespace {

bool under(const std::string& path, const char* prefix) { return path.rfind(prefix, 0) == 0; }

// Absolute search paths that only exist on a build machine: fragile, and a directory another user
// can create on the target is a way to inject libraries.
bool build_machine_path(const std::string& path) {
  for (const char* prefix : {"/home/", "/tmp/", "/build/", "/nix/store/", "/var/tmp/", "/root/",
                             "/builds/", "/github/", "/__w/", "/workspace/", "/opt/build/"}) {
    if (under(path, prefix)) return true;
  }
  return path.empty() || path == ".";  // "" and "." mean the current directory
}

void check_search_paths(const Facts& facts, const Target&, const BaselineTable&,
                        std::vector<Finding>& out) {
  std::vector<std::string> bad;
  for (const auto* list : {&facts.elf.rpath, &facts.elf.runpath}) {
    for (const auto& path : *list) {
      if (build_machine_path(path))
        bad.push_back(path.empty() ? "(empty: current directory)" : path);
    }
  }
  if (bad.empty()) return;
  out.push_back({"rpath-build-path", Severity::warn,
                 fmt::format("searches for libraries in build-machine paths: {}", short_list(bad)),
                 "use $ORIGIN-relative paths (-Wl,-rpath,'$ORIGIN/../lib') or none; patchelf "
                 "--set-rpath fixes a built binary",
                 bad});
}

// Debian and Ubuntu also install each loader under its multiarch directory.
bool multiarch_alias(const Target& target, const std::string& path, const std::string& standard) {
  if (target.family != "debian" && target.family != "ubuntu") return false;
  return under(path, "/lib/") && file_name(path) == file_name(standard) &&
         std::count(path.begin(), path.end(), '/') == 3;
}

void check_interpreter(const Facts& facts, const Target& target, const BaselineTable&,
                       std::vector<Finding>& out) {
  if (!facts.elf.interpreter) return;
  auto standard = target.interpreters.find(distro_architecture(facts.elf.machine));
  if (standard == target.interpreters.end()) return;  // the architecture rule speaks
  const std::string& path = *facts.elf.interpreter;
  bool same_flavour = (facts.libc == LibcFlavour::glibc && is_glibc_target(target)) ||
                      (facts.libc == LibcFlavour::musl && is_musl_target(target));
  if (!same_flavour || path == standard->second) return;
  if (multiarch_alias(target, path, standard->second)) return;
  out.push_back({"interpreter-path",
                 Severity::fail,
                 fmt::format("asks for the interpreter {}, which {} does not have (it uses {})",
                             path, target.id, standard->second),
                 fmt::format("link with -Wl,--dynamic-linker={} (patchelf --set-interpreter fixes "
                             "a built binary)",
                             standard->second),
                 {path}});
}

}  // namespace

extern const Rule kRpathBuildPathRule{
    "rpath-build-path", "RPATH/RUNPATH pointing into build-machine paths", check_search_paths};
extern const Rule kInterpreterRule{"interpreter-path", "non-standard interpreter path",
                                   check_interpreter};

}  // namespace portcheck::rules
