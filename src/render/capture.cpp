// `portcheck baseline capture` output: the captured target exactly as --list-targets --format json
// writes a target, so the two never drift apart, without the output-only `supported` and
// `current_phase`. Names read from the root file system are escaped as in a report (docs/json.md,
// "Strings").
#include "portcheck/capture.hpp"

#include "json_dump.hpp"
#include "portcheck/render.hpp"

namespace portcheck {

std::string render_capture_json(const Capture& capture) {
  nlohmann::ordered_json target = target_json(capture.target, capture.target.released);
  target.erase("supported");
  target.erase("current_phase");
  return dump_escaped(std::move(target));
}

}  // namespace portcheck
