#include "targets.hpp"

#include <set>

#include "portcheck/strings.hpp"

namespace portcheck::cli {
namespace {

bool in_group(const Target& target, const std::string& group, const std::string& table_date) {
  if (group == "all") return true;
  if (group == "policies") return target.kind == "policy";
  if (group == "distros") return target.kind == "distro";
  if (group == "pypa") return target.policy.has_value();
  // A target kept for completeness is not among the everyday ones a group stands for.
  if (target.on_request) return false;
  if (group == "supported") return is_supported(target, table_date);
  return target.family == group;
}

// By id, or a policy by its tag or an alias (manylinux_2_17, manylinux2014).
bool named(const Target& target, const std::string& name) {
  if (target.id == name) return true;
  if (!target.policy) return false;
  return target.policy->tag == name || contains(target.policy->aliases, name);
}

std::string valid_choices(const BaselineTable& table) {
  std::set<std::string> families;
  std::string ids;
  for (const auto& target : table.targets) {
    ids += (ids.empty() ? "" : ", ") + target.id;
    families.insert("@" + target.family);
  }
  std::string groups = "@supported, @all, @distros, @policies, @pypa";
  for (const auto& family : families) groups += ", " + family;
  return "valid targets: " + ids + "; groups: " + groups;
}

}  // namespace

Selection select_targets(const BaselineTable& table, const std::vector<std::string>& specs) {
  std::vector<std::string> wanted = specs.empty() ? std::vector<std::string>{"@supported"} : specs;
  std::set<std::string> chosen;
  for (const auto& spec : wanted) {
    bool group = !spec.empty() && spec[0] == '@';
    bool matched = false;
    for (const auto& target : table.targets) {
      bool hit = group ? in_group(target, spec.substr(1), table.table_date) : named(target, spec);
      if (hit) chosen.insert(target.id);
      matched |= hit;
    }
    if (!matched && !(group && spec == "@supported")) {
      return {{}, "unknown target '" + spec + "'; " + valid_choices(table)};
    }
  }
  Selection selection;
  for (const auto& target : table.targets) {
    if (chosen.count(target.id)) selection.targets.push_back(&target);
  }
  return selection;
}

}  // namespace portcheck::cli
