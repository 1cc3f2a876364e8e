#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "portcheck/inputs.hpp"

namespace portcheck {
namespace {

FileError from_errno(const std::string& path, int error) {
  ErrorKind kind =
      error == ENOENT || error == ENOTDIR ? ErrorKind::not_found : ErrorKind::unreadable;
  return FileError{path, kind, std::strerror(error)};
}

// Reads the whole file; the descriptor is opened read-only, so inputs are never modified.
Result<InputFile> read_all(const std::string& path, int fd, off_t size) {
  InputFile input{path, {}};
  input.bytes.resize(static_cast<size_t>(size));
  size_t done = 0;
  while (done < input.bytes.size()) {
    ssize_t got = ::read(fd, input.bytes.data() + done, input.bytes.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return from_errno(path, errno);
    if (got == 0) break;  // the file shrank while being read; what is there is analysed
    done += static_cast<size_t>(got);
  }
  input.bytes.resize(done);
  return input;
}

}  // namespace

Result<InputFile> read_input(const std::string& path, size_t limit) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return from_errno(path, errno);
  if (S_ISDIR(info.st_mode)) {
    return FileError{path, ErrorKind::unsupported, "is a directory"};
  }
  if (!S_ISREG(info.st_mode)) {
    return FileError{path, ErrorKind::unsupported, "not a regular file"};
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return from_errno(path, errno);
  off_t wanted =
      static_cast<uint64_t>(info.st_size) > limit ? static_cast<off_t>(limit) : info.st_size;
  Result<InputFile> result = read_all(path, fd, wanted);
  ::close(fd);
  return result;
}

}  // namespace portcheck
