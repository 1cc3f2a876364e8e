// --list-targets: the table, short in text; whole in JSON, in the schema of data/baselines.json
// (docs/baselines.schema.json), so the output can be edited and given back with --baselines.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "json_dump.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"
#include "portcheck/strings.hpp"

namespace portcheck {
namespace {

using Json = nlohmann::ordered_json;

std::string x86_max(const Target& target, const char* family) {
  auto arch = target.symbol_versions.find("x86_64");
  if (arch == target.symbol_versions.end()) return "-";
  auto found = arch->second.find(family);
  return found == arch->second.end() ? "-" : dotted(found->second);
}

Json offers_json(const std::vector<LibraryOffer>& offers) {
  Json list = Json::array();
  for (const auto& o : offers) {
    list.push_back({{"soname", o.soname}, {"package", o.package}, {"source", o.source}});
  }
  return list;
}

Json symbol_versions_json(const Target& t) {
  Json versions = Json::object();
  for (const auto& [arch, maxima] : t.symbol_versions) {
    versions[arch] = Json::object();
    for (const auto& [family, numbers] : maxima) versions[arch][family] = dotted(numbers);
  }
  versions["source"] = t.symbol_versions_source;
  return versions;
}

Json inventory_json(const Inventory& inventory) {
  Json out{{"coverage", inventory.coverage}};
  if (!inventory.image.empty()) out["image"] = inventory.image;
  out["method"] = inventory.method;
  out["source"] = inventory.source;
  return out;
}

Json details_json(const std::map<std::string, LibraryDetail>& details) {
  Json out = Json::object();
  for (const auto& [soname, detail] : details) {
    Json item = Json::object();
    if (!detail.package.empty()) item["package"] = detail.package;
    item["versions"] = detail.versions;
    if (detail.lacks) item["lacks"] = *detail.lacks;
    if (!detail.source.empty()) item["source"] = detail.source;
    out[soname] = item;
  }
  return out;
}

// A bundled index by its name, else its entries written out.
Json archive_json(const ArchiveRef& archive) {
  if (!archive.name.empty()) return {{"index", archive.name}, {"source", archive.source}};
  return {{"packages", archive->entries()}, {"source", archive.source}};
}

Json libraries_json(const Target& t) {
  Json absent = Json::array();
  for (const auto& a : t.absent) {
    absent.push_back({{"soname", a.soname}, {"source", a.source}, {"note", a.note}});
  }
  Json out{{"default", t.default_libraries}, {"default_source", t.default_libraries_source}};
  if (!t.inventory.coverage.empty()) out["inventory"] = inventory_json(t.inventory);
  if (!t.library_details.empty()) {
    out["details"] = details_json(t.library_details);
    out["details_source"] = t.library_details_source;
  }
  out["installable"] = offers_json(t.installable);
  out["absent"] = absent;
  if (t.archive) out["archive"] = archive_json(t.archive);
  if (t.package_names) out["package_names"] = archive_json(t.package_names);
  return out;
}

Json support_json(const std::vector<SupportPhase>& phases) {
  Json list = Json::array();
  for (const auto& p : phases) {
    list.push_back({{"phase", p.phase},
                    {"until", p.until ? Json(*p.until) : Json()},
                    {"paid", p.paid},
                    {"source", p.source}});
  }
  return list;
}

// "lts until 2028-06-30", "esm (paid) until 2030-04-02", "standard, rolling", "ended 2024-06-30".
std::string phase_text(const Target& t, const std::string& on_date) {
  auto phase = current_phase(t, on_date);
  if (!phase) return "ended " + support_phases(t).back().until.value_or("");
  std::string text = phase->phase + (phase->paid ? " (paid)" : "");
  return phase->until ? text + " until " + *phase->until : text + ", rolling";
}

// The PyPA policies among the targets: the tag, auditwheel's priority, and the source.
std::string policy_tags_text(const BaselineTable& table) {
  std::string out;
  for (const auto& t : table.targets) {
    if (!t.policy) continue;
    std::string names = t.policy->tag;
    for (const auto& alias : t.policy->aliases) names += ", " + alias;
    out += fmt::format("{:<20} {:<30} priority {:>3}  {}\n", escape_text(t.id), escape_text(names),
                       t.policy->priority, escape_text(t.policy->source));
  }
  if (out.empty()) return out;
  return "\nPyPA policies (a glibc file's best tag is the policy of highest priority it passes; "
         "docs/rules.md, PyPA tags):\n" +
         out;
}

}  // namespace

Json target_json(const Target& t, const std::string& table_date) {
  Json interpreters = Json::object();
  for (const auto& [arch, path] : t.interpreters) interpreters[arch] = path;
  interpreters["source"] = t.interpreters_source;
  auto phase = current_phase(t, table_date);
  Json out{{"id", t.id}, {"name", t.name}, {"family", t.family}, {"kind", t.kind}};
  if (t.on_request) out["on_request"] = true;
  out.update(Json{{"released", t.released},
                  {"end_of_support", t.end_of_support ? Json(*t.end_of_support) : Json()},
                  {"supported", is_supported(t, table_date)},
                  {"current_phase", phase ? Json(phase->phase) : Json()},
                  {"dates_source", t.dates_source}});
  // A table of the older layout has no `support`; it is not made up on the way out.
  if (!t.support.empty()) out["support"] = support_json(t.support);
  out.update(
      Json{{"architectures", t.architectures},
           {"libc",
            {{"flavour", t.libc_flavour}, {"version", t.libc_version}, {"source", t.libc_source}}},
           {"symbol_versions", symbol_versions_json(t)},
           {"kernel",
            {{"version", t.kernel.empty() ? Json() : Json(t.kernel)}, {"source", t.kernel_source}}},
           {"x86_64_isa", {{"level", t.x86_64_isa}, {"source", t.x86_64_isa_source}}},
           {"openssl",
            {{"default", t.openssl_default},
             {"installable", offers_json(t.openssl_installable)},
             {"source", t.openssl_source}}},
           {"ca", {{"files", t.ca_files}, {"dirs", t.ca_dirs}, {"source", t.ca_source}}},
           {"interpreters", interpreters},
           {"libraries", libraries_json(t)},
           {"whitelist_only", t.whitelist_only}});
  if (!t.symbol_blacklist.empty()) {
    Json blacklist(t.symbol_blacklist);
    blacklist["source"] = t.symbol_blacklist_source;
    out["symbol_blacklist"] = blacklist;
  }
  if (!t.symbol_version_sets.empty()) {
    Json sets(t.symbol_version_sets);
    sets["source"] = t.symbol_version_sets_source;
    out["symbol_version_sets"] = sets;
  }
  if (t.policy) {
    out["policy"] = {{"tag", t.policy->tag},
                     {"aliases", t.policy->aliases},
                     {"priority", t.policy->priority},
                     {"source", t.policy->source}};
  }
  if (!t.notes.empty()) out["notes"] = t.notes;
  return out;
}

std::string render_targets_text(const BaselineTable& table) {
  const char* row = "{:<20} {:<36} {:<12} {:<9} {:<9} {:<10} {}\n";
  std::string out =
      fmt::format(row, "id", "name", "libc", "GLIBCXX", "GCC", "supported", "support phase");
  for (const auto& t : table.targets) {
    // A table given with --baselines may hold any string, control characters included.
    out += fmt::format(row, escape_text(t.id), escape_text(t.name),
                       escape_text(t.libc_flavour + " " + t.libc_version), x86_max(t, "GLIBCXX"),
                       x86_max(t, "GCC"), is_supported(t, table.table_date) ? "yes" : "no",
                       escape_text(phase_text(t, table.table_date)));
  }
  out += fmt::format(
      "\n{} targets; support phase = the phase running on the table date, {}; supported = one "
      "runs and is not a paid extension.\n"
      "GLIBCXX and GCC are the x86_64 maxima; `--list-targets --format json` gives every fact "
      "with its source.\n",
      table.targets.size(), escape_text(table.table_date));
  return out + policy_tags_text(table);
}

std::string render_targets_json(const BaselineTable& table) {
  Json targets = Json::array();
  for (const auto& t : table.targets) targets.push_back(target_json(t, table.table_date));
  Json lines = Json::array();
  for (const auto& l : table.openssl_lines) {
    lines.push_back(
        {{"line", dotted(l.line)}, {"end_of_support", l.end_of_support}, {"source", l.source}});
  }
  Json out{{"schema_version", 1},
           {"table_date", table.table_date},
           {"openssl_lines", lines},
           {"targets", targets}};
  // The table's strings come from JSON, so they are UTF-8 and stay as they are: the output can
  // be given back with --baselines.
  return json_for_log(out.dump(2, ' ', false, Json::error_handler_t::replace)) + "\n";
}

}  // namespace portcheck
