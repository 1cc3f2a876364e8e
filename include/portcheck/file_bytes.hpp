// The bytes of one input file, read-only and cheap to copy between stages: a buffer in memory
// (archive members, tests) or a mapping of a file on disk. A mapping is not a copy: reading a
// 500 MB file into a buffer costs seconds, mapping it milliseconds (docs/performance.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace portcheck {

class FileBytes {
 public:
  FileBytes() = default;
  // Implicit: a buffer is what tests and archive members have.
  FileBytes(std::vector<uint8_t> buffer)  // NOLINT(google-explicit-constructor)
      : buffer_(std::make_shared<const std::vector<uint8_t>>(std::move(buffer))),
        data_(buffer_->data()),
        size_(buffer_->size()) {}
  // Bytes kept alive (and unmapped, closed) by `owner`. A mapped file's descriptor stays open
  // with it, so that a parser reopening it reads the very same file, whatever its path names now.
  FileBytes(std::shared_ptr<const void> owner, const uint8_t* data, size_t size, int descriptor)
      : owner_(std::move(owner)), data_(data), size_(size), descriptor_(descriptor) {}

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }
  uint8_t operator[](size_t index) const { return data_[index]; }

  // The buffer holding the bytes, or null for a mapping.
  const std::vector<uint8_t>* buffer() const { return buffer_.get(); }
  // The open descriptor of a mapped file, or -1.
  int descriptor() const { return descriptor_; }

 private:
  std::shared_ptr<const std::vector<uint8_t>> buffer_;
  std::shared_ptr<const void> owner_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  int descriptor_ = -1;
};

}  // namespace portcheck
