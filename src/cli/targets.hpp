// Target selection: ids and @groups from the command line -> targets of the table, in table order.
#pragma once

#include <string>
#include <vector>

#include "portcheck/baseline.hpp"

namespace portcheck::cli {

struct Selection {
  std::vector<const Target*> targets;
  std::string error;  // set when a spec names no target; lists the valid ones
};

Selection select_targets(const BaselineTable& table, const std::vector<std::string>& specs);

// What a target captured from a container image needs besides the image.
struct ImageTargetOptions {
  std::vector<std::string> inputs;  // the run's inputs, for @image
  std::string platform;             // --platform: of a multi-platform image, this one only
  size_t memory_budget = 0;
  std::string date;  // of the capture, for its sources
};

// `-t image:FILE` and `-t @image`: a target captured from the container image FILE (or from each
// image among the inputs), one per platform, added to `table` as "image-<id>" and named so in
// `specs`. Returns an error message, or "" when every image was captured.
std::string add_image_targets(BaselineTable& table, std::vector<std::string>& specs,
                              const ImageTargetOptions& options);

}  // namespace portcheck::cli
