// Errors are values at file granularity: loading a file gives facts or one of these, and one bad
// file never stops the others.
#pragma once

#include <string>
#include <variant>

namespace portcheck {

enum class ErrorKind {
  not_found,
  unreadable,
  not_elf,
  truncated,
  malformed,
  unsupported,
  out_of_memory,  // over the run's memory budget, or an allocation failed
};

struct FileError {
  std::string path;
  ErrorKind kind = ErrorKind::malformed;
  std::string message;  // one line, without the path
};

const char* to_string(ErrorKind kind);  // "not found", for messages
const char* to_id(ErrorKind kind);      // "not_found", for machine-readable output

// A stage result: a value or the file's error.
template <typename T>
using Result = std::variant<T, FileError>;

}  // namespace portcheck
