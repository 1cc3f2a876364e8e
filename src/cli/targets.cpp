#include "targets.hpp"

#include <algorithm>
#include <set>

#include "portcheck/capture.hpp"
#include "portcheck/image.hpp"
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

std::string unused_id(const BaselineTable& table, const std::string& wanted) {
  auto taken = [&table](const std::string& id) {
    return std::any_of(table.targets.begin(), table.targets.end(),
                       [&id](const Target& target) { return target.id == id; });
  };
  std::string id = wanted;
  for (int n = 2; taken(id); ++n) id = wanted + "-" + std::to_string(n);
  return id;
}

// The images a spec names: image:FILE one, @image each container image among the inputs.
std::vector<std::string> images_named(const std::string& spec, const ImageTargetOptions& options) {
  if (starts_with(spec, "image:")) return {spec.substr(6)};
  std::vector<std::string> images;
  for (const auto& input : options.inputs) {
    if (is_container_image(input)) images.push_back(input);
  }
  return images;
}

// "linux/arm/v7" -> "arm-v7", for target ids.
std::string arch_suffix(const std::string& platform) {
  std::string arch = platform.substr(platform.find('/') + 1);
  std::replace(arch.begin(), arch.end(), '/', '-');
  return arch;
}

// One target per platform of `image` (the --platform one only, when given); `scoped` for an
// image among the inputs, whose target judges its own files only.
std::string capture_image(const std::string& image, bool scoped, const ImageTargetOptions& options,
                          BaselineTable& table, std::vector<std::string>& ids) {
  std::vector<std::string> platforms{options.platform};
  if (options.platform.empty()) {
    auto names = read_image_platform_names(image);
    if (auto* error = std::get_if<FileError>(&names)) return image + ": " + error->message;
    auto& found = std::get<std::vector<std::string>>(names);
    if (found.size() > 1) platforms = found;
  }
  bool several = platforms.size() > 1;
  for (const auto& platform : platforms) {
    CaptureOptions capture;
    capture.image = image;
    capture.platform = platform;
    capture.memory_budget = options.memory_budget;
    capture.date = options.date;
    Result<Capture> captured = capture_baseline(capture, table);
    if (auto* error = std::get_if<FileError>(&captured)) {
      return error->path + ": " + error->message;
    }
    Target target = std::get<Capture>(captured).target;
    // As the inputs stage names the platforms of an image: by platform among several.
    std::string shown = image + (several ? "[" + platform + "]" : "");
    target.id =
        unused_id(table, "image-" + target.id + (several ? "-" + arch_suffix(platform) : ""));
    target.name = target.name + " (the image " + shown + ")";
    if (scoped) target.release_scope = shown;
    BaselineTable alone{options.date, {target}, {}};
    auto problems = check_baselines(alone);
    if (!problems.empty())
      return shown + ": the captured target fails the table check: " + problems.front();
    ids.push_back(target.id);
    table.targets.push_back(std::move(target));
  }
  return "";
}

}  // namespace

std::string add_image_targets(BaselineTable& table, std::vector<std::string>& specs,
                              const ImageTargetOptions& options) {
  std::vector<std::string> kept;
  for (const auto& spec : specs) {
    if (!starts_with(spec, "image:") && spec != "@image") {
      kept.push_back(spec);
      continue;
    }
    auto images = images_named(spec, options);
    if (spec == "image:") return "-t image: names no image file";
    if (images.empty()) {
      return "-t @image: none of the inputs is a container image (an image inside a directory "
             "is not captured)";
    }
    std::vector<std::string> ids;
    for (const auto& image : images) {
      std::string error = capture_image(image, spec == "@image", options, table, ids);
      if (!error.empty()) return error;
    }
    kept.insert(kept.end(), ids.begin(), ids.end());
  }
  specs = kept;
  return "";
}

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
