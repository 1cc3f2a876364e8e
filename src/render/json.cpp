// The JSON contract (docs/json.md, docs/portcheck.schema.json). Fields may be added; none may be
// renamed. ordered_json keeps libraries in NEEDED order and keys in the documented order.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "json_dump.hpp"
#include "portcheck/render.hpp"

namespace portcheck {
namespace {

using Json = nlohmann::ordered_json;

Json optional_string(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json elf_json(const Facts& facts) {
  const ElfFacts& elf = facts.elf;
  return Json{{"class", to_string(elf.elf_class)},
              {"endianness", to_string(elf.endianness)},
              {"machine", elf.machine},
              {"type", to_string(elf.type)},
              {"interpreter", optional_string(elf.interpreter)},
              {"libc", to_string(facts.libc)},
              {"needed", elf.needed},
              {"rpath", elf.rpath},
              {"runpath", elf.runpath},
              {"soname", optional_string(elf.soname)},
              {"flags", {{"bind_now", elf.bind_now}, {"pie", elf.pie_flag}, {"relr", elf.relr}}},
              {"stack", elf.stack.empty() ? Json(nullptr) : Json(elf.stack)},
              {"version_definitions", elf.version_defs}};
}

Json requirements_json(const Facts& facts) {
  Json versions = Json::object();
  Json weak = Json::array();
  for (const auto& library : facts.elf.version_needs) {
    Json names = Json::array();
    for (const auto& need : library.versions) {
      names.push_back(need.name);
      if (need.weak) weak.push_back({{"library", library.library}, {"version", need.name}});
    }
    versions[library.library] = names;
  }
  Json max = Json::object();
  for (const auto& [family, version] : facts.requirements.max)
    max[family] = version.number_string();
  Json culprits = Json::array();
  for (const auto& symbol : facts.requirements.culprits) {
    culprits.push_back({{"symbol", symbol.name},
                        {"version", symbol.version},
                        {"library", symbol.library},
                        {"weak", symbol.weak}});
  }
  return Json{{"versions", versions},
              {"max", max},
              {"special", facts.requirements.special},
              {"weak_versions", weak},
              {"culprits", culprits},
              {"unversioned_imports", facts.elf.unversioned_imports}};
}

Json file_notes_json(const std::vector<FileNote>& notes) {
  Json out = Json::array();
  for (const auto& note : notes)
    out.push_back({{"kind", to_id(note.kind)}, {"detail", note.detail}});
  return out;
}

Json notes_json(const ElfNotes& notes) {
  Json isa = nullptr;
  if (notes.x86_isa_needed) {
    isa =
        *notes.x86_isa_needed == 1 ? "x86-64" : "x86-64-v" + std::to_string(*notes.x86_isa_needed);
  }
  return Json{{"abi_tag_kernel", optional_string(notes.abi_tag_kernel)},
              {"build_id", optional_string(notes.build_id)},
              {"x86_isa_needed", isa}};
}

Json suppressions_json(const std::vector<Suppression>& suppressions) {
  Json list = Json::array();
  for (const auto& s : suppressions) {
    list.push_back({{"rule", s.rule},
                    {"target", s.target},
                    {"file", s.file},
                    {"culprit", s.culprit},
                    {"reason", s.reason}});
  }
  return list;
}

Json tls_json(const TlsFacts& tls) {
  return Json{{"stack", tls.stack},
              {"linkage", tls.linkage},
              {"libraries", tls.libraries},
              {"version", optional_string(tls.version)},
              {"openssldir", optional_string(tls.openssldir)},
              {"enginesdir", optional_string(tls.enginesdir)},
              {"cert_paths", tls.cert_paths},
              {"env_overrides", tls.env_overrides},
              {"roots", tls.roots}};
}

Json tree_json(const std::vector<DependencyNode>& nodes) {
  Json list = Json::array();
  for (const auto& node : nodes) {
    Json item{{"soname", node.soname}, {"status", node.status}};
    if (!node.path.empty()) item["path"] = node.path;
    if (!node.missing_on.empty()) item["targets"] = node.missing_on;
    if (!node.children.empty()) item["needs"] = tree_json(node.children);
    list.push_back(item);
  }
  return list;
}

Json standing_json(const PolicyStanding& standing) {
  return Json{{"target", standing.target_id},
              {"tag", standing.tag},
              {"priority", standing.priority},
              {"verdict", to_string(standing.verdict)}};
}

Json policy_tag_json(const PolicyTagVerdict& tag) {
  Json out{
      {"architecture", tag.architecture},
      {"tag", tag.tag},
      {"target", tag.target_id.empty() ? Json() : Json(tag.target_id)},
      {"next", tag.next ? Json{{"tag", tag.next->tag}, {"target", tag.next->target_id}} : Json()},
      {"next_blockers", tag.next_blockers},
      {"note", tag.note.empty() ? Json() : Json(tag.note)}};
  if (!tag.held_back_by.empty()) out["held_back_by"] = tag.held_back_by;
  if (!tag.standings.empty()) {
    Json standings = Json::array();
    for (const auto& standing : tag.standings) standings.push_back(standing_json(standing));
    out["policies"] = standings;
  }
  return out;
}

Json findings_json(const std::vector<Finding>& findings);

Json releases_json(const std::vector<ReleaseReport>& releases) {
  Json list = Json::array();
  for (const auto& release : releases) {
    Json targets = Json::array();
    for (const auto& target : release.targets) {
      targets.push_back({{"id", target.target_id},
                         {"verdict", to_string(target.verdict)},
                         {"held_back_by", target.held_back_by}});
    }
    Json oldest = Json::object();
    for (const auto& [family, id] : release.oldest_per_family) oldest[family] = id;
    Json tags = Json::array();
    for (const auto& tag : release.policy_tags) tags.push_back(policy_tag_json(tag));
    Json item{{"path", release.path}, {"files", release.files},      {"errors", release.errors},
              {"targets", targets},   {"oldest_per_family", oldest}, {"policy_tags", tags}};
    if (release.wheel) item["wheel_tag"] = findings_json(release.wheel_tag_findings);
    list.push_back(item);
  }
  return list;
}

Json findings_json(const std::vector<Finding>& findings) {
  Json list = Json::array();
  for (const auto& finding : findings) {
    list.push_back(
        {{"rule", finding.rule},
         {"severity", to_string(finding.severity)},
         {"message", finding.message},
         {"hint", finding.hint},
         {"culprits", finding.culprits},
         {"suppressed", finding.suppression >= 0 ? Json{{"reason", finding.suppression_reason}}
                                                 : Json(nullptr)}});
  }
  return list;
}

Json targets_json(const FileReport& file) {
  Json targets = Json::array();
  for (const auto& target : file.targets) {
    targets.push_back({{"id", target.target_id},
                       {"verdict", to_string(target.verdict)},
                       {"findings", findings_json(target.findings)}});
  }
  return targets;
}

Json summary_json(const FileSummary& summary) {
  Json oldest = Json::object();
  for (const auto& [family, id] : summary.oldest_per_family) oldest[family] = id;
  return Json{{"oldest_per_family", oldest},
              {"passed", summary.passed},
              {"selected", summary.selected},
              {"score", summary.score}};
}

Json file_json(const FileReport& file) {
  Json out{{"path", file.path}, {"release", file.release}, {"status", to_string(file.status)}};
  if (file.error) {
    out["error"] = std::string(to_string(file.error->kind)) + ": " + file.error->message;
    out["error_kind"] = to_id(file.error->kind);
    return out;
  }
  const Facts& facts = *file.facts;
  out["elf"] = elf_json(facts);
  out["requirements"] = requirements_json(facts);
  out["notes"] = notes_json(facts.elf.notes);
  out["file_notes"] = file_notes_json(facts.elf.file_notes);
  out["toolchain"] = {{"compilers", facts.elf.toolchain.compilers},
                      {"rust", facts.elf.toolchain.rust},
                      {"go", facts.elf.toolchain.go}};
  const StaticLibc& libc = facts.elf.static_libc;
  out["static_libc"] = {{"flavour", libc.flavour.empty() ? Json(nullptr) : Json(libc.flavour)},
                        {"uses_nss", libc.uses_nss}};
  out["bundled"] = facts.bundled;
  out["tls"] = tls_json(facts.tls);
  out["loads"] = file.loads;
  if (!file.tree.empty()) out["tree"] = tree_json(file.tree);
  out["targets"] = targets_json(file);
  out["summary"] = summary_json(file.summary);
  out["policy_tag"] = file.policy_tag ? policy_tag_json(*file.policy_tag) : Json();
  return out;
}

// The report's top-level object in the layout of dump_escaped, written member by member and its
// files one at a time: the JSON tree of a whole report is never held (for a release of 8,000
// small files that tree took 2.6 GB, ten times the report it was made from). Keys are ours, and
// plain.
class JsonObjectText {
 public:
  void member(std::string_view key, Json value) {
    open(key);
    text_ += dump_escaped_at(std::move(value), 1);
  }
  template <typename Items, typename ToJson>
  void array_member(std::string_view key, const Items& items, ToJson to_json) {
    open(key);
    if (items.empty()) {
      text_ += "[]";
      return;
    }
    text_ += "[";
    const char* separator = "\n    ";
    for (const auto& item : items) {
      text_ += separator;
      text_ += dump_escaped_at(to_json(item), 2);
      separator = ",\n    ";
    }
    text_ += "\n  ]";
  }
  std::string close() { return std::move(text_) + "\n}\n"; }

 private:
  void open(std::string_view key) {
    text_ += text_.empty() ? "{\n  \"" : ",\n  \"";
    text_ += key;
    text_ += "\": ";
  }
  std::string text_;
};

}  // namespace

std::string render_json(const Report& report) {
  const RunSummary& run = report.summary;
  JsonObjectText out;
  out.member("schema_version", 1);
  out.member("portcheck_version", report.portcheck_version);
  out.member("table_date", report.table_date);
  out.member("targets", report.selected_targets);
  out.array_member("files", report.files, file_json);
  out.member("releases", releases_json(report.releases));
  out.member("notices", report.notices);
  out.member("unused_suppressions", suppressions_json(report.unused_suppressions));
  out.member("summary", {{"files", run.files},
                         {"passed", run.passed},
                         {"failed", run.failed},
                         {"errors", run.errors},
                         {"releases_failed", run.releases_failed},
                         {"skipped", report.skipped},
                         {"excluded", report.excluded},
                         {"symlink_loops", report.symlink_loops}});
  return out.close();
}

}  // namespace portcheck
