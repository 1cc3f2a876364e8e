// --list-targets: the table, short in text and whole (with sources) in JSON.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "portcheck/render.hpp"

namespace portcheck {
namespace {

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

}  // namespace

std::string render_targets_text(const BaselineTable& table) {
  std::string out = fmt::format("{:<20} {:<28} {:<12} {:<9} {:<9} {:<11} {}\n", "id", "name",
                                "libc", "GLIBCXX", "GCC", "supported", "end of support");
  for (const auto& t : table.targets) {
    out += fmt::format("{:<20} {:<28} {:<12} {:<9} {:<9} {:<11} {}\n", t.id, t.name,
                       t.libc_flavour + " " + t.libc_version, x86_max(t, "GLIBCXX"),
                       x86_max(t, "GCC"), is_supported(t, table.table_date) ? "yes" : "no",
                       t.end_of_support.value_or("rolling"));
  }
  out += fmt::format(
      "\n{} targets; table checked on {}; `--list-targets --format json` shows "
      "every fact with its source\n",
      table.targets.size(), table.table_date);
  return out;
}

std::string render_targets_json(const BaselineTable& table) {
  using Json = nlohmann::ordered_json;
  Json targets = Json::array();
  for (const auto& t : table.targets) {
    Json versions = Json::object();
    for (const auto& [arch, maxima] : t.symbol_versions) {
      for (const auto& [family, numbers] : maxima) versions[arch][family] = dotted(numbers);
    }
    targets.push_back(
        {{"id", t.id},
         {"name", t.name},
         {"family", t.family},
         {"kind", t.kind},
         {"released", t.released},
         {"end_of_support", t.end_of_support ? Json(*t.end_of_support) : Json()},
         {"supported", is_supported(t, table.table_date)},
         {"architectures", t.architectures},
         {"libc",
          {{"flavour", t.libc_flavour}, {"version", t.libc_version}, {"source", t.libc_source}}},
         {"symbol_versions", versions},
         {"symbol_versions_source", t.symbol_versions_source},
         {"kernel", t.kernel},
         {"x86_64_isa", t.x86_64_isa},
         {"openssl_default", t.openssl_default},
         {"ca_files", t.ca_files},
         {"ca_dirs", t.ca_dirs},
         {"default_libraries", t.default_libraries}});
  }
  Json out{{"schema_version", 1}, {"table_date", table.table_date}, {"targets", targets}};
  return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace portcheck
