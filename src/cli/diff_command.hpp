#pragma once

namespace portcheck::cli {

// `portcheck diff OLD NEW`: what got less portable between two builds, releases or saved JSON
// reports. Exit 1 when a target that passed now fails.
int run_diff_command(int argc, char** argv);

}  // namespace portcheck::cli
