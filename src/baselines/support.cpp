// Support phases and the one rule of @supported (docs/baselines.md, "support"): a target is
// supported on a date when a phase runs then that gives security updates from the project or
// vendor under the release's normal terms, not a paid extension.
#include "portcheck/baseline.hpp"

namespace portcheck {

const std::vector<PhaseKind>& phase_kinds() {
  static const std::vector<PhaseKind> kinds{
      {"standard", true, false}, {"maintenance", true, false}, {"lts", false, false},
      {"esm", false, true},      {"ltss", false, true},        {"els", false, true},
  };
  return kinds;
}

const PhaseKind* find_phase_kind(const std::string& name) {
  for (const auto& kind : phase_kinds()) {
    if (name == kind.name) return &kind;
  }
  return nullptr;
}

// A table of the older layout says only when standard support ends.
std::vector<SupportPhase> support_phases(const Target& target) {
  if (!target.support.empty()) return target.support;
  return {{"standard", target.end_of_support, false, target.dates_source}};
}

// ISO dates compare correctly as strings.
std::optional<SupportPhase> current_phase(const Target& target, const std::string& on_date) {
  for (const auto& phase : support_phases(target)) {
    if (!phase.until || *phase.until >= on_date) return phase;
  }
  return std::nullopt;
}

bool is_supported(const Target& target, const std::string& on_date) {
  auto phase = current_phase(target, on_date);
  return phase && !phase->paid;
}

}  // namespace portcheck
