// Reads the baseline table from JSON (schema: docs/baselines.schema.json, prose:
// docs/baselines.md). nlohmann's exceptions stay inside this file.
#include <algorithm>
#include <set>
#include <string_view>

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

std::vector<std::string> strings_of(const Json& list, const std::string& where) {
  json_require(list, JsonKind::array, where);
  std::vector<std::string> out;
  for (const auto& item : list) {
    json_require(item, JsonKind::string, where);
    out.push_back(item.get<std::string>());
  }
  return out;
}

// Optional, for policies: {"x86_64": {"GLIBC": ["2.2.5", ...], ...}, "source": "..."}.
void read_version_sets(const Json& target_json, Target& target) {
  const Json* json = json_optional_member(target_json, "symbol_version_sets", JsonKind::object, "");
  if (!json) return;
  for (const auto& [arch, families] : json->items()) {
    if (arch == "source") continue;
    json_require(families, JsonKind::object, "symbol_version_sets." + arch);
    auto& sets = target.symbol_version_sets[arch];
    for (const auto& [family, versions] : families.items()) {
      sets[family] = strings_of(versions, "symbol_version_sets." + arch + "." + family);
    }
  }
  target.symbol_version_sets_source =
      json_member(*json, "source", JsonKind::string, "symbol_version_sets").get<std::string>();
}

// Optional: {"tag": "manylinux_2_17", "aliases": [...], "priority": 80, "source": "..."}.
void read_policy(const Json& target_json, Target& target) {
  const Json* json = json_optional_member(target_json, "policy", JsonKind::object, "");
  if (!json) return;
  PolicyTag policy;
  policy.tag = json_member(*json, "tag", JsonKind::string, "policy").get<std::string>();
  policy.aliases =
      strings_of(json_member(*json, "aliases", JsonKind::array, "policy"), "policy.aliases");
  const Json& priority = json_member(*json, "priority", JsonKind::number, "policy");
  // A priority of a hostile table (1e300, -5, 2.5) must not reach an int conversion.
  if (!priority.is_number_integer() || priority.get<int64_t>() < 1 ||
      priority.get<int64_t>() > 1000) {
    throw std::runtime_error("policy.priority is not a whole number from 1 to 1000");
  }
  policy.priority = static_cast<int>(priority.get<int64_t>());
  policy.source = json_member(*json, "source", JsonKind::string, "policy").get<std::string>();
  target.policy = std::move(policy);
}

// Optional, for policies: {"libz.so.1": ["zcalloc", ...], "source": "..."}.
void read_symbol_blacklist(const Json& target_json, Target& target) {
  const Json* json = json_optional_member(target_json, "symbol_blacklist", JsonKind::object, "");
  if (!json) return;
  for (const auto& [soname, symbols] : json->items()) {
    if (soname == "source") continue;
    target.symbol_blacklist[soname] = strings_of(symbols, "symbol_blacklist." + soname);
  }
  target.symbol_blacklist_source =
      json_member(*json, "source", JsonKind::string, "symbol_blacklist").get<std::string>();
}

// Optional: a table of the older layout has only end_of_support (support_phases fills in).
std::vector<SupportPhase> support_of(const Json& target) {
  std::vector<SupportPhase> phases;
  const Json* list = json_optional_member(target, "support", JsonKind::array, "");
  for (size_t i = 0; list && i < list->size(); ++i) {
    const Json& item = (*list)[i];
    std::string where = "support[" + std::to_string(i) + "]";
    json_require(item, JsonKind::object, where);
    SupportPhase phase;
    phase.phase = json_member(item, "phase", JsonKind::string, where).get<std::string>();
    const Json& until = item.at("until");  // null: rolling
    if (!until.is_null()) {
      json_require(until, JsonKind::string, where + ".until");
      phase.until = until.get<std::string>();
    }
    phase.paid = json_member(item, "paid", JsonKind::boolean, where).get<bool>();
    phase.source = json_member(item, "source", JsonKind::string, where).get<std::string>();
    phases.push_back(std::move(phase));
  }
  return phases;
}

void read_inventory(const Json& json, Target& target) {
  Inventory& inventory = target.inventory;
  inventory.coverage = json.at("coverage").get<std::string>();
  inventory.image = json.value("image", "");
  inventory.method = json.at("method").get<std::string>();
  inventory.source = json.at("source").get<std::string>();
}

void read_details(const Json& json, Target& target) {
  for (const auto& [soname, item] : json.items()) {
    LibraryDetail detail;
    detail.package = item.value("package", "");
    detail.versions = item.value("versions", std::vector<std::string>{});
    if (item.contains("lacks")) detail.lacks = item.at("lacks").get<std::vector<std::string>>();
    detail.source = item.value("source", "");
    target.library_details[soname] = std::move(detail);
  }
}

// An index compiled into portcheck (`index`), or one written out in the table (`packages`).
ArchiveRef read_archive(const Json& json) {
  ArchiveRef archive;
  archive.source = json.at("source").get<std::string>();
  if (json.contains("index")) {
    archive.name = json.at("index").get<std::string>();
    std::string lines = bundled_archive_index(archive.name);
    if (lines.empty()) {
      throw std::runtime_error("no bundled archive index " + json_quoted(archive.name));
    }
    archive.index = std::make_shared<const ArchiveIndex>(std::move(lines));
    return archive;
  }
  auto packages = json.at("packages").get<std::map<std::string, std::string>>();
  archive.index = std::make_shared<const ArchiveIndex>(ArchiveIndex::from_map(packages));
  return archive;
}

void read_libraries(const Json& json, Target& target) {
  target.default_libraries = json.at("default").get<std::vector<std::string>>();
  target.default_libraries_source = json.at("default_source").get<std::string>();
  target.installable = offers_of(json.at("installable"), "");
  for (const auto& item : json.at("absent")) {
    target.absent.push_back({item.at("soname").get<std::string>(),
                             item.at("source").get<std::string>(), item.value("note", "")});
  }
  if (json.contains("inventory")) read_inventory(json.at("inventory"), target);
  if (json.contains("details")) read_details(json.at("details"), target);
  target.library_details_source = json.value("details_source", "");
  if (json.contains("archive")) target.archive = read_archive(json.at("archive"));
  if (json.contains("package_names")) target.package_names = read_archive(json.at("package_names"));
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
  if (const Json* flag = json_optional_member(json, "on_request", JsonKind::boolean, "")) {
    target.on_request = flag->get<bool>();
  }
  target.released = json.at("released").get<std::string>();
  const Json& end = json.at("end_of_support");
  if (!end.is_null()) target.end_of_support = end.get<std::string>();
  target.dates_source = json.at("dates_source").get<std::string>();
  target.support = support_of(json);
  target.architectures = json.at("architectures").get<std::vector<std::string>>();
  const Json& libc = json.at("libc");
  target.libc_flavour = libc.at("flavour").get<std::string>();
  target.libc_version = libc.at("version").get<std::string>();
  target.libc_source = libc.at("source").get<std::string>();
  read_symbol_versions(json.at("symbol_versions"), target);
  const Json& kernel = json.at("kernel").at("version");  // null: a policy that names none
  if (!kernel.is_null()) target.kernel = kernel.get<std::string>();
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
  read_symbol_blacklist(json, target);
  read_version_sets(json, target);
  read_policy(json, target);
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

ArchiveIndex::ArchiveIndex(std::string lines) : text_(std::move(lines)) {
  for (size_t at = 0; at < text_.size();) {
    size_t end = text_.find('\n', at);
    if (end == std::string::npos) end = text_.size();
    size_t space = text_.find(' ', at);
    if (space > at && space + 1 < end) starts_.push_back(at);
    at = end + 1;
  }
  // Lookups search; a hand-edited index out of order must not make entries disappear.
  auto by_soname = [&](size_t a, size_t b) {
    return std::string_view(text_).substr(a, text_.find(' ', a) - a) <
           std::string_view(text_).substr(b, text_.find(' ', b) - b);
  };
  if (!std::is_sorted(starts_.begin(), starts_.end(), by_soname)) {
    std::stable_sort(starts_.begin(), starts_.end(), by_soname);
  }
}

ArchiveIndex ArchiveIndex::from_map(const std::map<std::string, std::string>& packages) {
  std::string lines;
  for (const auto& [soname, package] : packages) {
    // A name with a space or a line break could not be told apart from the next field.
    if (soname.find_first_of(" \n") != std::string::npos ||
        package.find_first_of(" \n") != std::string::npos || soname.empty() || package.empty()) {
      throw std::runtime_error("archive entry " + json_quoted(soname) +
                               " is not a soname and a package name");
    }
    lines += soname + " " + package + "\n";
  }
  return ArchiveIndex(std::move(lines));
}

std::optional<std::string> ArchiveIndex::package_of(const std::string& soname) const {
  auto key = [&](size_t start) {
    return std::string_view(text_).substr(start, text_.find(' ', start) - start);
  };
  auto found =
      std::lower_bound(starts_.begin(), starts_.end(), soname,
                       [&](size_t start, const std::string& name) { return key(start) < name; });
  if (found == starts_.end() || key(*found) != soname) return std::nullopt;
  size_t from = *found + soname.size() + 1;
  return text_.substr(from, text_.find('\n', from) - from);
}

std::map<std::string, std::string> ArchiveIndex::entries() const {
  std::map<std::string, std::string> out;
  for (size_t start : starts_) {
    size_t space = text_.find(' ', start);
    size_t end = text_.find('\n', space);
    out.emplace(text_.substr(start, space - start), text_.substr(space + 1, end - space - 1));
  }
  return out;
}

TableResult parse_baselines(const std::string& json_text, const std::string& origin) {
  BaselineTable table;
  bool replace = false;
  std::string where = origin;
  try {
    Json json = parse_json(json_text);
    if (json.is_object() && !json.contains("targets") && json.contains("id")) {
      // What `portcheck baseline capture` prints: one target, a table of its own, dated by it.
      where = origin + ": the target";
      table.targets.push_back(read_target(json));
      table.table_date = table.targets.front().released;
      return {table, "", false};
    }
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

std::string distro_architecture(const std::string& elf_machine) {
  if (elf_machine == "i386") return "i686";
  if (elf_machine == "arm") return "armv7l";
  return elf_machine;
}

}  // namespace portcheck
