// PyPA tags: a file's best policy on its architecture, a release's (its worst file's), and a
// wheel's file name held against them. auditwheel picks, per check, the policy of highest
// priority a wheel satisfies and then the lowest of those; policies only loosen as priority
// falls (auditwheel refuses policy files where they do not), so the first policy passed in
// priority order is the same tag.
#include <algorithm>

#include "judge.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

bool musl_file(const Facts& facts) { return facts.libc == LibcFlavour::musl; }

// A file that links no libc (or links it statically) is judged as a glibc one, as auditwheel
// falls back to the libc of the machine it runs on.
const char* tag_family(const Facts& facts) { return musl_file(facts) ? "musllinux" : "manylinux"; }

std::vector<std::string> failures_of(const TargetVerdict& verdict) {
  std::vector<std::string> out;
  for (const auto& finding : verdict.findings) {
    if (finding.severity == Severity::fail && finding.suppression < 0) {
      out.push_back(finding.rule + ": " + finding.message);
    }
  }
  return out;
}

PolicyStanding standing_of(const Target& policy, const std::string& arch,
                           const TargetVerdict& verdict) {
  PolicyStanding standing;
  standing.target_id = policy.id;
  standing.tag = policy.policy->tag + "_" + arch;
  standing.names.push_back(standing.tag);
  for (const auto& alias : policy.policy->aliases) standing.names.push_back(alias + "_" + arch);
  standing.priority = policy.policy->priority;
  standing.verdict = verdict.verdict;
  standing.failures = failures_of(verdict);
  return standing;
}

std::vector<PolicyStanding> standings_of(const FileReport& file, const BaselineTable& table,
                                         const Gate& gate, const std::vector<const Facts*>& loads) {
  const Facts& facts = *file.facts;
  std::string arch = distro_architecture(facts.elf.machine);
  std::vector<PolicyStanding> standings;
  for (const Target* policy : tag_policies(table, facts)) {
    auto same = [&](const TargetVerdict& v) { return v.target_id == policy->id; };
    auto known = std::find_if(file.targets.begin(), file.targets.end(), same);
    TargetVerdict verdict =
        known != file.targets.end() ? *known : verdict_on(facts, *policy, table, gate, loads);
    standings.push_back(standing_of(*policy, arch, verdict));
  }
  return standings;
}

// glibc files take the oldest policy they pass; musl files the newest (see PolicyTagVerdict).
std::optional<size_t> best_index(const std::vector<PolicyStanding>& standings, bool musl) {
  std::optional<size_t> best;
  for (size_t i = 0; i < standings.size(); ++i) {
    if (standings[i].verdict == Verdict::fail) continue;
    best = i;
    if (!musl) break;
  }
  return best;
}

const char* kMuslNote =
    "a musl file does not record the musl release it was built for: auditwheel gives the older "
    "tag only when it runs on that musl release, so build and repair the wheel there to claim it";

int priority_of(const PolicyTagVerdict& tag, const FileReport& file) {
  for (const auto& standing : file.policy_tag->standings) {
    if (standing.target_id == tag.target_id) return standing.priority;
  }
  return 0;  // linux_
}

}  // namespace

std::vector<const Target*> tag_policies(const BaselineTable& table, const Facts& facts) {
  std::string arch = distro_architecture(facts.elf.machine);
  std::vector<const Target*> out;
  for (const auto& target : table.targets) {
    const auto& archs = target.architectures;
    if (!target.policy || target.family != tag_family(facts)) continue;
    if (std::find(archs.begin(), archs.end(), arch) != archs.end()) out.push_back(&target);
  }
  std::stable_sort(out.begin(), out.end(), [](const Target* a, const Target* b) {
    return a->policy->priority > b->policy->priority;
  });
  return out;
}

std::optional<PolicyTagVerdict> policy_tag_of(const FileReport& file, const BaselineTable& table,
                                              const Gate& gate,
                                              const std::vector<const Facts*>& loads) {
  if (!file.facts) return std::nullopt;
  PolicyTagVerdict out;
  out.architecture = distro_architecture(file.facts->elf.machine);
  out.standings = standings_of(file, table, gate, loads);
  if (out.standings.empty()) return std::nullopt;
  bool musl = musl_file(*file.facts);
  std::optional<size_t> best = best_index(out.standings, musl);
  std::optional<size_t> next;
  if (best) {
    out.tag = out.standings[*best].tag;
    out.target_id = out.standings[*best].target_id;
    if (*best > 0) next = *best - 1;
  } else {
    out.tag = "linux_" + out.architecture;
    next = out.standings.size() - 1;  // the most permissive policy
  }
  if (next) {
    out.next = out.standings[*next];
    out.next_blockers = out.next->failures;
    if (out.next_blockers.empty() && musl) out.note = kMuslNote;
  }
  return out;
}

std::vector<PolicyTagVerdict> release_policy_tags(const std::vector<const FileReport*>& files) {
  std::vector<PolicyTagVerdict> tags;
  std::vector<int> priorities;
  for (const FileReport* file : files) {
    if (!file->policy_tag) continue;
    const PolicyTagVerdict& own = *file->policy_tag;
    int priority = priority_of(own, *file);
    auto same_arch = [&](const PolicyTagVerdict& t) { return t.architecture == own.architecture; };
    auto found = std::find_if(tags.begin(), tags.end(), same_arch);
    size_t at = static_cast<size_t>(found - tags.begin());
    if (found == tags.end() || priority < priorities[at]) {
      PolicyTagVerdict worst = own;
      worst.standings.clear();
      worst.next_blockers.clear();
      if (found == tags.end()) {
        tags.push_back(worst);
        priorities.push_back(priority);
      } else {
        tags[at] = worst;
        priorities[at] = priority;
      }
    } else if (priority > priorities[at]) {
      continue;
    }
    tags[at].held_back_by.push_back(file->path);
    for (const auto& blocker : own.next_blockers) {
      tags[at].next_blockers.push_back(file->path + ": " + blocker);
    }
  }
  return tags;
}

bool is_wheel_name(const std::string& path) { return ends_with(path, ".whl"); }

}  // namespace portcheck
