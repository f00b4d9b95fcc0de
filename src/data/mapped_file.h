// A file mapped into memory with POSIX mmap, unmapped when the last owner lets go.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace audiogan {

class MappedFile {
 public:
  // Maps the whole of `path` privately: reads come from the page cache, and a write (not expected)
  // would copy the page instead of touching the file. Throws IoError naming the path.
  static std::shared_ptr<MappedFile> open_read(const std::string& path);
  // Creates (truncating) `path` of `bytes` bytes and maps it shared and writable, for filling in
  // place. Throws IoError naming the path.
  static std::shared_ptr<MappedFile> create(const std::string& path, size_t bytes);

  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  void* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Flushes a writable mapping, unmaps it and cuts the file to `bytes` (<= size()), then fsyncs.
  void finish(size_t bytes);

 private:
  MappedFile(std::string path, int fd, void* data, size_t size);
  std::string path_;
  int fd_ = -1;
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace audiogan
