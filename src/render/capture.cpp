// `portcheck baseline capture` output: the captured target exactly as --list-targets --format json
// writes a target, so the two never drift apart, without the output-only `supported`.
#include "portcheck/capture.hpp"

#include <nlohmann/json.hpp>

#include "portcheck/render.hpp"

namespace portcheck {

std::string render_capture_json(const Capture& capture) {
  BaselineTable table;
  table.table_date = capture.target.released;
  table.targets = {capture.target};
  auto json = nlohmann::ordered_json::parse(render_targets_json(table));
  nlohmann::ordered_json target = json.at("targets").at(0);
  target.erase("supported");
  return target.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace portcheck
