// Reads the baseline table from JSON (schema: docs/baselines.schema.json, prose:
// docs/baselines.md). nlohmann's exceptions stay inside this file.
#include <set>

#include "portcheck/baseline.hpp"
#include "portcheck/json_file.hpp"
#include "portcheck/symbol_version.hpp"

namespace portcheck {
namespace {

using Json = nlohmann::json;

std::vector<int> numbers_of(const Json& value, const std::string& what) {
  auto numbers = parse_dotted(value.get<std::string>());
  if (!numbers) throw std::runtime_error(what + " is not a dotted version: " + value.dump());
  return *numbers;
}

std::vector<LibraryOffer> offers_of(const Json& list, const std::string& fallback_source) {
  std::vector<LibraryOffer> offers;
  for (const auto& item : list) {
    offers.push_back({item.at("soname").get<std::string>(), item.at("package").get<std::string>(),
                      item.value("source", fallback_source)});
  }
  return offers;
}

void read_symbol_versions(const Json& json, Target& target) {
  for (const auto& [arch, families] : json.items()) {
    if (arch == "source") continue;
    target.symbol_versions[arch];  // an architecture may have no limits (musllinux)
    for (const auto& [family, version] : families.items()) {
      target.symbol_versions[arch][family] =
          numbers_of(version, "symbol version " + json_quoted(arch + " " + family));
    }
  }
  target.symbol_versions_source = json.at("source").get<std::string>();
}

void read_libraries(const Json& json, Target& target) {
  target.default_libraries = json.at("default").get<std::vector<std::string>>();
  target.default_libraries_source = json.at("default_source").get<std::string>();
  target.installable = offers_of(json.at("installable"), "");
  for (const auto& item : json.at("absent")) {
    target.absent.push_back({item.at("soname").get<std::string>(),
                             item.at("source").get<std::string>(), item.value("note", "")});
  }
}

void read_tls(const Json& json, Target& target) {
  const Json& openssl = json.at("openssl");
  target.openssl_default = openssl.at("default").get<std::vector<std::string>>();
  target.openssl_source = openssl.at("source").get<std::string>();
  target.openssl_installable = offers_of(openssl.at("installable"), target.openssl_source);
  const Json& ca = json.at("ca");
  target.ca_files = ca.at("files").get<std::vector<std::string>>();
  target.ca_dirs = ca.at("dirs").get<std::vector<std::string>>();
  target.ca_source = ca.at("source").get<std::string>();
}

Target read_target(const Json& json) {
  Target target;
  target.id = json.at("id").get<std::string>();
  target.name = json.at("name").get<std::string>();
  target.family = json.at("family").get<std::string>();
  target.kind = json.at("kind").get<std::string>();
  target.released = json.at("released").get<std::string>();
  const Json& end = json.at("end_of_support");
  if (!end.is_null()) target.end_of_support = end.get<std::string>();
  target.dates_source = json.at("dates_source").get<std::string>();
  target.architectures = json.at("architectures").get<std::vector<std::string>>();
  const Json& libc = json.at("libc");
  target.libc_flavour = libc.at("flavour").get<std::string>();
  target.libc_version = libc.at("version").get<std::string>();
  target.libc_source = libc.at("source").get<std::string>();
  read_symbol_versions(json.at("symbol_versions"), target);
  target.kernel = json.at("kernel").at("version").get<std::string>();
  target.kernel_source = json.at("kernel").at("source").get<std::string>();
  target.x86_64_isa = json.at("x86_64_isa").at("level").get<std::string>();
  target.x86_64_isa_source = json.at("x86_64_isa").at("source").get<std::string>();
  read_tls(json, target);
  for (const auto& [arch, path] : json.at("interpreters").items()) {
    if (arch == "source")
      target.interpreters_source = path.get<std::string>();
    else
      target.interpreters[arch] = path.get<std::string>();
  }
  read_libraries(json.at("libraries"), target);
  target.whitelist_only = json.value("whitelist_only", false);
  target.notes = json.value("notes", "");
  return target;
}

// A target that comes twice in one file would silently be the second one after merging.
void require_unique_ids(const BaselineTable& table) {
  std::set<std::string> ids;
  for (const auto& target : table.targets) {
    if (!ids.insert(target.id).second) {
      throw std::runtime_error("target " + json_quoted(target.id) + " appears twice");
    }
  }
}

std::vector<SupportLine> read_openssl_lines(const Json& json) {
  std::vector<SupportLine> lines;
  const Json* list = json_optional_member(json, "openssl_lines", JsonKind::array, "");
  for (const auto& item : list ? *list : Json::array()) {
    lines.push_back({numbers_of(item.at("line"), "openssl line"),
                     item.at("end_of_support").get<std::string>(),
                     item.at("source").get<std::string>()});
  }
  return lines;
}

}  // namespace

TableResult parse_baselines(const std::string& json_text, const std::string& origin) {
  BaselineTable table;
  bool replace = false;
  std::string where = origin;
  try {
    Json json = parse_json(json_text);
    const Json& version = json_member(json, "schema_version", JsonKind::number, "");
    if (version != 1) return {std::nullopt, origin + ": unsupported schema_version (expected 1)"};
    table.table_date = json_member(json, "table_date", JsonKind::string, "").get<std::string>();
    if (const Json* flag = json_optional_member(json, "replace", JsonKind::boolean, "")) {
      replace = flag->get<bool>();
    }
    table.openssl_lines = read_openssl_lines(json);
    const Json& targets = json_member(json, "targets", JsonKind::array, "");
    for (size_t i = 0; i < targets.size(); ++i) {
      where = origin + ": target " + std::to_string(i + 1);
      json_require(targets[i], JsonKind::object, "it");
      const Json* id = json_optional_member(targets[i], "id", JsonKind::string, "");
      if (id) where = origin + ": target " + json_quoted(id->get<std::string>());
      table.targets.push_back(read_target(targets[i]));
    }
    where = origin;
    require_unique_ids(table);
  } catch (const std::exception& e) {
    return {std::nullopt, where + ": " + json_error_text(e)};
  }
  return {table, "", replace};
}

TableResult read_baselines_file(const std::string& path) {
  JsonText file = read_json_file(path);
  if (!file.error.empty()) {
    return {std::nullopt, path + ": cannot read the baseline table: " + file.error};
  }
  return parse_baselines(file.text, path);
}

BaselineTable merge_baselines(BaselineTable base, const BaselineTable& extension) {
  for (const auto& target : extension.targets) {
    auto same = [&](const Target& t) { return t.id == target.id; };
    auto found = std::find_if(base.targets.begin(), base.targets.end(), same);
    if (found != base.targets.end())
      *found = target;
    else
      base.targets.push_back(target);
  }
  if (extension.table_date > base.table_date) base.table_date = extension.table_date;
  if (!extension.openssl_lines.empty()) base.openssl_lines = extension.openssl_lines;
  return base;
}

const Target* find_target(const BaselineTable& table, const std::string& id) {
  for (const auto& target : table.targets) {
    if (target.id == id) return &target;
  }
  return nullptr;
}

// ISO dates compare correctly as strings.
bool is_supported(const Target& target, const std::string& on_date) {
  return !target.end_of_support || *target.end_of_support >= on_date;
}

std::string distro_architecture(const std::string& elf_machine) {
  if (elf_machine == "i386") return "i686";
  if (elf_machine == "arm") return "armv7l";
  return elf_machine;
}

}  // namespace portcheck
