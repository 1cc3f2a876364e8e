// What the report stage's parts share: a file judged on one target, and the policy tags.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "portcheck/report.hpp"

namespace portcheck {

// The file's findings on `target` (and those of the release libraries it loads), suppressed as
// the gate says, and the verdict they make.
TargetVerdict verdict_on(const Facts& facts, const Target& target, const BaselineTable& table,
                         const Gate& gate, const std::vector<const Facts*>& loads);
// Marks the findings the gate's suppressions match that name no target (a release's own).
void suppress(std::vector<Finding>& findings, const std::string& path, const Gate& gate);

// The file's best PyPA tag; none when no policy of the table lists its architecture.
std::optional<PolicyTagVerdict> policy_tag_of(const FileReport& file, const BaselineTable& table,
                                              const Gate& gate,
                                              const std::vector<const Facts*>& loads);
// Per architecture, the worst of the files' tags in the release's family.
std::vector<PolicyTagVerdict> release_policy_tags(const std::vector<const FileReport*>& files);
bool is_wheel_name(const std::string& path);
// The files of the wheel at `path` but those of a wheel nested in it.
std::vector<const FileReport*> files_of_wheel(const std::string& path,
                                              const std::vector<const FileReport*>& files);
// The worst tag of `family` over the files; none when one of them has no policy of it.
std::optional<PolicyTagVerdict> worst_tag(const std::vector<const FileReport*>& files,
                                          const std::string& family, const std::string& arch);
// The platform tags of a wheel's file name held against its files' standings and the release's
// tags (`tags`, from release_policy_tags).
std::vector<Finding> wheel_tag_findings(const std::string& path,
                                        const std::vector<const FileReport*>& files,
                                        const std::vector<PolicyTagVerdict>& tags);

}  // namespace portcheck
