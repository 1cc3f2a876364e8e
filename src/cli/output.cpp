#include "output.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

#include "portcheck/escape.hpp"

namespace portcheck::cli {
namespace {

std::vector<std::string> outputs_of(const RunPlan& plan) {
  std::vector<std::string> outputs;
  if (plan.output_file) outputs.push_back(*plan.output_file);
  for (const auto& extra : plan.extra_outputs) outputs.push_back(extra.file);
  return outputs;
}

std::string real_path(const std::string& path) {
  char* real = ::realpath(path.c_str(), nullptr);
  if (!real) return "";
  std::string result = real;
  std::free(real);
  return result;
}

// The absolute form of a file that may not exist yet: its directory resolved, its name kept.
std::string resolved_output(const std::string& path) {
  std::string real = real_path(path);
  if (!real.empty()) return real;
  auto slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  std::string parent = real_path(dir);
  if (parent.empty()) return "";
  return (parent == "/" ? "" : parent) + "/" + path.substr(slash + 1);
}

bool is_device(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode);
}

bool inside(const std::string& path, const std::string& dir) {
  return path == dir || dir == "/" || path.rfind(dir + "/", 0) == 0;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

std::optional<std::string> write_stream(std::FILE* stream, const std::string& text) {
  errno = 0;
  size_t written = std::fwrite(text.data(), 1, text.size(), stream);
  int flushed = std::fflush(stream);
  if (written == text.size() && flushed == 0 && !std::ferror(stream)) return std::nullopt;
  return std::strerror(errno ? errno : EIO);
}

// A symlink whose target does not exist yet: writing through it creates a file wherever it
// points, which no check of the link's own place covers.
bool is_dangling_symlink(const std::string& path) {
  struct stat link {
  }, target{};
  return ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode) &&
         ::stat(path.c_str(), &target) != 0;
}

// Everything the run reads: the paths to check, and the table and config it is told to use.
std::vector<std::string> inputs_of(const RunPlan& plan) {
  std::vector<std::string> inputs = plan.paths;
  if (plan.baselines_file) inputs.push_back(*plan.baselines_file);
  if (plan.config_file) inputs.push_back(*plan.config_file);
  return inputs;
}

}  // namespace

std::optional<std::string> output_among_inputs(const RunPlan& plan) {
  for (const auto& output : outputs_of(plan)) {
    if (is_dangling_symlink(output)) return output;
    if (is_device(output)) continue;
    std::string where = resolved_output(output);
    for (const auto& path : inputs_of(plan)) {
      std::string input = real_path(path);
      if (same_file(path, output) || (!where.empty() && !input.empty() && inside(where, input))) {
        return output;
      }
    }
  }
  return std::nullopt;
}

std::set<std::pair<uint64_t, uint64_t>> existing_outputs(const RunPlan& plan) {
  std::set<std::pair<uint64_t, uint64_t>> ids;
  for (const auto& output : outputs_of(plan)) {
    struct stat info {};
    if (::stat(output.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
      ids.emplace(info.st_dev, info.st_ino);
    }
  }
  return ids;
}

std::optional<std::string> write_report(const std::optional<std::string>& path,
                                        const std::string& text) {
  if (!path) return write_stream(stdout, text);
  std::FILE* file = std::fopen(path->c_str(), "wb");
  if (!file) return std::strerror(errno);
  std::optional<std::string> failed = write_stream(file, text);
  // A full disk may show only when the last block is written out, at close.
  if (std::fclose(file) != 0 && !failed) failed = std::strerror(errno);
  return failed;
}

int write_or_say(const std::optional<std::string>& path, const std::string& text) {
  std::optional<std::string> failed = write_report(path, text);
  if (!failed) return exit_ok;
  std::cerr << "portcheck: " << escape_text(path.value_or("stdout"))
            << ": cannot write the report: " << *failed << "\n";
  return exit_output_error;
}

}  // namespace portcheck::cli
