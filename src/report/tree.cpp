// The dependency tree of a file (like lddtree or libtree): each NEEDED library marked bundled
// (the release has it), system (every selected target has it by default), not-default (some
// target needs a package, or the table does not list it there) or missing (some target does
// not have it at all, or its policy does not allow it).
#include <algorithm>
#include <set>

#include "portcheck/release.hpp"
#include "portcheck/report.hpp"

namespace portcheck {
namespace {

struct TreeBuilder {
  const FileReport& file;
  const ReleaseIndex& release;
  std::set<std::string> expanded;  // libraries whose own dependencies are already shown

  void mark(DependencyNode& node) const {
    Severity worst = Severity::info;
    bool any = false;
    std::vector<std::string> warned_on;
    for (const auto& target : file.targets) {
      for (const auto& finding : target.findings) {
        if (finding.rule != "needed-library" && finding.rule != "tls-library") continue;
        const auto& culprits = finding.culprits;
        if (std::find(culprits.begin(), culprits.end(), node.soname) == culprits.end()) continue;
        if (!any || finding.severity > worst) worst = finding.severity;
        any = true;
        if (finding.severity == Severity::fail) node.missing_on.push_back(target.target_id);
        if (finding.severity == Severity::warn) warned_on.push_back(target.target_id);
        break;
      }
    }
    // The targets listed are those behind the status: lacking it, or needing a package.
    if (worst == Severity::warn) node.missing_on = warned_on;
    if (!any || worst == Severity::info)
      node.status = "system";
    else if (worst == Severity::fail)
      node.status = "missing";
    else
      node.status = "not-default";
  }

  std::vector<DependencyNode> children_of(const Facts& facts) {
    std::vector<DependencyNode> nodes;
    for (const auto& soname : facts.elf.needed) {
      DependencyNode node{soname, "", "", {}, {}};
      auto bundled = std::find(facts.bundled.begin(), facts.bundled.end(), soname);
      if (bundled != facts.bundled.end()) {
        node.status = "bundled";
        node.path = facts.bundled_paths[static_cast<size_t>(bundled - facts.bundled.begin())];
        auto library = release.find(node.path);
        // A library's own dependencies are shown under its first appearance only: libraries
        // that all need each other would otherwise make a tree exponential in their number
        // (and a cycle would never end).
        if (library != release.end() && expanded.insert(node.path).second) {
          node.children = children_of(*library->second);
        }
      } else {
        mark(node);
      }
      nodes.push_back(std::move(node));
    }
    return nodes;
  }
};

}  // namespace

std::vector<DependencyNode> dependency_tree(const FileReport& file, const ReleaseIndex& release) {
  if (!file.facts) return {};
  TreeBuilder builder{file, release, {file.path}};
  return builder.children_of(*file.facts);
}

}  // namespace portcheck
