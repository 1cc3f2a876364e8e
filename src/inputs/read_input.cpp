#include <fcntl.h>
#include <sys/mman.h>
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

// Opens a regular file read-only: nothing else is opened, so a FIFO or device never blocks.
Result<int> open_regular(const std::string& path, struct stat& info) {
  if (::stat(path.c_str(), &info) != 0) return from_errno(path, errno);
  if (S_ISDIR(info.st_mode)) {
    return FileError{path, ErrorKind::unsupported, "is a directory"};
  }
  if (!S_ISREG(info.st_mode)) {
    return FileError{path, ErrorKind::unsupported, "not a regular file"};
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return from_errno(path, errno);
  // What was opened may not be what stat saw, if the path changed in between.
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return FileError{path, ErrorKind::unsupported, "not a regular file"};
  }
  return fd;
}

// A read-only, private mapping and the descriptor it came from, released together.
class Mapping {
 public:
  Mapping(void* address, size_t size, int fd) : address_(address), size_(size), fd_(fd) {}
  ~Mapping() {
    ::munmap(address_, size_);
    ::close(fd_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

 private:
  void* address_;
  size_t size_;
  int fd_;
};

}  // namespace

Result<FileBytes> map_input(const std::string& path) {
  struct stat info {};
  Result<int> opened = open_regular(path, info);
  if (auto* failure = std::get_if<FileError>(&opened)) return *failure;
  int fd = std::get<int>(opened);
  auto size = static_cast<size_t>(info.st_size);
  if (size == 0) {
    ::close(fd);
    return FileBytes(std::vector<uint8_t>{});
  }
  void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (address == MAP_FAILED) {
    int error = errno;
    ::close(fd);
    return from_errno(path, error);
  }
  auto mapping = std::make_shared<const Mapping>(address, size, fd);
  return FileBytes(mapping, static_cast<const uint8_t*>(address), size, fd);
}

Result<InputFile> read_input(const std::string& path, size_t limit) {
  struct stat info {};
  Result<int> opened = open_regular(path, info);
  if (auto* failure = std::get_if<FileError>(&opened)) return *failure;
  int fd = std::get<int>(opened);
  off_t wanted =
      static_cast<uint64_t>(info.st_size) > limit ? static_cast<off_t>(limit) : info.st_size;
  Result<InputFile> result = read_all(path, fd, wanted);
  ::close(fd);
  return result;
}

}  // namespace portcheck
