// --list-targets: the table, short in text; whole in JSON, in the schema of data/baselines.json
// (docs/baselines.schema.json), so the output can be edited and given back with --baselines.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "json_dump.hpp"
#include "portcheck/escape.hpp"
#include "portcheck/render.hpp"

namespace portcheck {
namespace {

using Json = nlohmann::ordered_json;

std::string dotted(const std::vector<int>& numbers) {
  std::string text;
  for (size_t i = 0; i < numbers.size(); ++i) text += (i ? "." : "") + std::to_string(numbers[i]);
  return text;
}

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

Json libraries_json(const Target& t) {
  Json absent = Json::array();
  for (const auto& a : t.absent) {
    absent.push_back({{"soname", a.soname}, {"source", a.source}, {"note", a.note}});
  }
  return Json{{"default", t.default_libraries},
              {"default_source", t.default_libraries_source},
              {"installable", offers_json(t.installable)},
              {"absent", absent}};
}

}  // namespace

Json target_json(const Target& t, const std::string& table_date) {
  Json interpreters = Json::object();
  for (const auto& [arch, path] : t.interpreters) interpreters[arch] = path;
  interpreters["source"] = t.interpreters_source;
  Json out{{"id", t.id},
           {"name", t.name},
           {"family", t.family},
           {"kind", t.kind},
           {"released", t.released},
           {"end_of_support", t.end_of_support ? Json(*t.end_of_support) : Json()},
           {"supported", is_supported(t, table_date)},
           {"dates_source", t.dates_source},
           {"architectures", t.architectures},
           {"libc",
            {{"flavour", t.libc_flavour}, {"version", t.libc_version}, {"source", t.libc_source}}},
           {"symbol_versions", symbol_versions_json(t)},
           {"kernel", {{"version", t.kernel}, {"source", t.kernel_source}}},
           {"x86_64_isa", {{"level", t.x86_64_isa}, {"source", t.x86_64_isa_source}}},
           {"openssl",
            {{"default", t.openssl_default},
             {"installable", offers_json(t.openssl_installable)},
             {"source", t.openssl_source}}},
           {"ca", {{"files", t.ca_files}, {"dirs", t.ca_dirs}, {"source", t.ca_source}}},
           {"interpreters", interpreters},
           {"libraries", libraries_json(t)},
           {"whitelist_only", t.whitelist_only}};
  if (!t.notes.empty()) out["notes"] = t.notes;
  return out;
}

std::string render_targets_text(const BaselineTable& table) {
  const char* row = "{:<20} {:<36} {:<12} {:<9} {:<9} {:<10} {}\n";
  std::string out =
      fmt::format(row, "id", "name", "libc", "GLIBCXX", "GCC", "supported", "end of support");
  for (const auto& t : table.targets) {
    // A table given with --baselines may hold any string, control characters included.
    out += fmt::format(row, escape_text(t.id), escape_text(t.name),
                       escape_text(t.libc_flavour + " " + t.libc_version), x86_max(t, "GLIBCXX"),
                       x86_max(t, "GCC"), is_supported(t, table.table_date) ? "yes" : "no",
                       escape_text(t.end_of_support.value_or("rolling")));
  }
  out += fmt::format(
      "\n{} targets; supported = not past end of support on the table date, {}.\n"
      "GLIBCXX and GCC are the x86_64 maxima; `--list-targets --format json` gives every fact "
      "with its source.\n",
      table.targets.size(), escape_text(table.table_date));
  return out;
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
