// PyPA tags: a file's best policy on its architecture, a release's (its worst file's), and a
// wheel's file name held against them (wheel_tag.cpp). auditwheel picks, per check, the policy
// of highest priority a wheel satisfies and then the lowest of those; its policies only loosen
// as priority falls (auditwheel refuses policy files where they do not), so the policy reached
// from the most permissive one upward, until the first failure, is the same tag. portcheck's
// other rules can break that order (a kernel only some policies name): the tag stays the last
// policy passed before a failure, never one above a policy the file fails.
#include <algorithm>
#include <map>

#include "judge.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

const char* kManylinux = "manylinux";
const char* kMusllinux = "musllinux";

bool links_no_libc(const Facts& facts) {
  return facts.libc == LibcFlavour::none || facts.libc == LibcFlavour::static_linked;
}

// The family a file's own tag is of: musl files musllinux; all others manylinux, as auditwheel
// falls back to the libc of the (glibc) machine it runs on for a file that links no libc.
const char* own_family(const Facts& facts) {
  return facts.libc == LibcFlavour::musl ? kMusllinux : kManylinux;
}

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
  standing.family = policy.family;
  standing.tag = policy.policy->tag + "_" + arch;
  standing.names.push_back(standing.tag);
  for (const auto& alias : policy.policy->aliases) standing.names.push_back(alias + "_" + arch);
  standing.priority = policy.policy->priority;
  standing.verdict = verdict.verdict;
  standing.failures = failures_of(verdict);
  return standing;
}

void note_suppressions(const TargetVerdict& verdict, std::vector<size_t>& used) {
  for (const auto& finding : verdict.findings) {
    if (finding.suppression >= 0) used.push_back(static_cast<size_t>(finding.suppression));
  }
}

// The standings of the family's policies (best first), as indices into `standings`.
std::vector<size_t> of_family(const std::vector<PolicyStanding>& standings,
                              const std::string& family) {
  std::vector<size_t> out;
  for (size_t i = 0; i < standings.size(); ++i) {
    if (standings[i].family == family) out.push_back(i);
  }
  return out;
}

// glibc: from the most permissive policy up, the last passed before a failure. musl: the newest
// policy passed (see PolicyTagVerdict).
std::optional<size_t> best_of(const std::vector<PolicyStanding>& standings,
                              const std::vector<size_t>& family, bool musl) {
  std::optional<size_t> best;
  for (size_t k = family.size(); k-- > 0;) {
    if (standings[family[k]].verdict == Verdict::fail) {
      if (best) break;
      continue;
    }
    best = k;
    if (musl) break;
  }
  return best;
}

const char* kMuslNote =
    "a musl file does not record the musl release it was built for: auditwheel gives the older "
    "tag only when it runs on that musl release, so build and repair the wheel there to claim it";

// The PyPA policies of the table that list the file's architecture for its libc, best first
// (both families, manylinux first, for a file that links no libc).
std::vector<const Target*> tag_policies(const BaselineTable& table, const Facts& facts) {
  std::string arch = distro_architecture(facts.elf.machine);
  std::vector<const Target*> out;
  for (const char* family : {kManylinux, kMusllinux}) {
    if (family != std::string(own_family(facts)) && !links_no_libc(facts)) continue;
    size_t first = out.size();
    for (const auto& target : table.targets) {
      const auto& archs = target.architectures;
      if (!target.policy || target.family != family) continue;
      if (contains(archs, arch)) out.push_back(&target);
    }
    std::stable_sort(
        out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
        [](const Target* a, const Target* b) { return a->policy->priority > b->policy->priority; });
  }
  return out;
}

// The best tag among the standings of one family; none when the family has no standing.
std::optional<PolicyTagVerdict> tag_in_family(const std::vector<PolicyStanding>& standings,
                                              const std::string& family, const std::string& arch) {
  std::vector<size_t> members = of_family(standings, family);
  if (members.empty()) return std::nullopt;
  bool musl = family == kMusllinux;
  PolicyTagVerdict out;
  out.architecture = arch;
  out.family = family;
  std::optional<size_t> best = best_of(standings, members, musl);
  std::optional<size_t> next;
  if (best) {
    out.tag = standings[members[*best]].tag;
    out.target_id = standings[members[*best]].target_id;
    if (*best > 0) next = *best - 1;
  } else {
    out.tag = "linux_" + arch;
    next = members.size() - 1;  // the most permissive policy
  }
  if (next) {
    out.next = standings[members[*next]];
    out.next_blockers = out.next->failures;
    if (out.next_blockers.empty() && musl) out.note = kMuslNote;
  }
  return out;
}

// The family a release's files of `arch` are tagged by: musllinux when one of them is musl.
std::string release_family(const std::vector<const FileReport*>& files, const std::string& arch) {
  for (const FileReport* file : files) {
    if (file->policy_tag && file->policy_tag->architecture == arch &&
        file->facts->libc == LibcFlavour::musl) {
      return kMusllinux;
    }
  }
  return kManylinux;
}

int priority_in(const PolicyTagVerdict& tag, const std::vector<PolicyStanding>& standings) {
  for (const auto& standing : standings) {
    if (standing.target_id == tag.target_id) return standing.priority;
  }
  return 0;  // linux_
}

// The worst tag of `family` among the files of `arch`, with every file whose tag it is and
// their blockers; none when no file has one. A file with no policy of the family is left out
// when `skip_others`, and makes the answer none otherwise.
std::optional<PolicyTagVerdict> merged_tag(const std::vector<const FileReport*>& files,
                                           const std::string& family, const std::string& arch,
                                           bool skip_others) {
  std::optional<PolicyTagVerdict> worst;
  int lowest = 0;
  for (const FileReport* file : files) {
    if (!file->policy_tag || file->policy_tag->architecture != arch) continue;
    auto own = tag_in_family(file->policy_tag->standings, family, arch);
    if (!own) {
      if (skip_others) continue;
      return std::nullopt;
    }
    int priority = priority_in(*own, file->policy_tag->standings);
    if (worst && priority > lowest) continue;
    if (!worst || priority < lowest) {
      worst = *own;
      worst->next_blockers.clear();
      lowest = priority;
    }
    worst->held_back_by.push_back(file->path);
    for (const auto& blocker : own->next_blockers) {
      worst->next_blockers.push_back(file->path + ": " + blocker);
    }
  }
  return worst;
}

}  // namespace

std::optional<PolicyTagVerdict> policy_tag_of(const FileReport& file, const BaselineTable& table,
                                              const Gate& gate,
                                              const std::vector<const Facts*>& loads) {
  if (!file.facts) return std::nullopt;
  const Facts& facts = *file.facts;
  std::string arch = distro_architecture(facts.elf.machine);
  std::vector<PolicyStanding> standings;
  std::vector<size_t> used;
  for (const Target* policy : tag_policies(table, facts)) {
    auto same = [&](const TargetVerdict& v) { return v.target_id == policy->id; };
    auto known = std::find_if(file.targets.begin(), file.targets.end(), same);
    // A selected target's verdict is there already; the others are judged here.
    std::optional<TargetVerdict> judged;
    if (known == file.targets.end()) judged = verdict_on(facts, *policy, table, gate, loads);
    const TargetVerdict& verdict = judged ? *judged : *known;
    note_suppressions(verdict, used);
    standings.push_back(standing_of(*policy, arch, verdict));
  }
  auto out = tag_in_family(standings, own_family(facts), arch);
  if (!out) return std::nullopt;
  out->standings = std::move(standings);
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  out->suppressions_used = std::move(used);
  return out;
}

std::optional<PolicyTagVerdict> worst_tag(const std::vector<const FileReport*>& files,
                                          const std::string& family, const std::string& arch) {
  return merged_tag(files, family, arch, false);
}

std::vector<PolicyTagVerdict> release_policy_tags(const std::vector<const FileReport*>& files) {
  // Each architecture's family, worked out once; the architectures in the order of the first
  // file with a tag of that family. A glibc file in a musl release has none: wheel-tag says so.
  std::map<std::string, std::string> families;
  std::vector<std::string> archs;
  for (const FileReport* file : files) {
    if (!file->policy_tag) continue;
    const std::string& arch = file->policy_tag->architecture;
    auto known = families.find(arch);
    if (known == families.end()) known = families.emplace(arch, release_family(files, arch)).first;
    bool tagged = tag_in_family(file->policy_tag->standings, known->second, arch).has_value();
    if (tagged && !contains(archs, arch)) archs.push_back(arch);
  }
  std::vector<PolicyTagVerdict> tags;
  for (const auto& arch : archs) {
    if (auto tag = merged_tag(files, families[arch], arch, true)) tags.push_back(std::move(*tag));
  }
  return tags;
}

std::vector<const FileReport*> files_of_wheel(const std::string& path,
                                              const std::vector<const FileReport*>& files) {
  std::vector<const FileReport*> own;
  for (const FileReport* file : files) {
    const std::string& container = file->facts ? file->facts->container : std::string();
    bool inner = ends_with(container, ".whl!/") && container != path + "!/";
    if (!inner) own.push_back(file);
  }
  return own;
}

bool is_wheel_name(const std::string& path) {
  std::string_view name(path);
  while (name.size() > 1 && name.back() == '/') name.remove_suffix(1);
  return ends_with(name, ".whl");
}

}  // namespace portcheck
