// POSIX mmap wrapper for the spectrogram cache.
#include "data/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace audiogan {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw IoError("cache: cannot " + what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

MappedFile::MappedFile(std::string path, int fd, void* data, size_t size)
    : path_(std::move(path)), fd_(fd), data_(data), size_(size) {}

MappedFile::~MappedFile() {
  if (data_ && size_ > 0) munmap(data_, size_);
  if (fd_ >= 0) close(fd_);
}

std::shared_ptr<MappedFile> MappedFile::open_read(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", path);
  struct stat info {};
  if (fstat(fd, &info) != 0) {
    close(fd);
    fail("stat", path);
  }
  const auto size = static_cast<size_t>(info.st_size);
  void* data = nullptr;
  if (size > 0) {
    data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      close(fd);
      fail("map", path);
    }
  }
  // The mapping stays valid after close; keeping no descriptor avoids running out of them.
  close(fd);
  return std::shared_ptr<MappedFile>(new MappedFile(path, -1, data, size));
}

std::shared_ptr<MappedFile> MappedFile::create(const std::string& path, size_t bytes) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create", path);
  if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    close(fd);
    fail("size", path);
  }
  void* data = nullptr;
  if (bytes > 0) {
    data = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (data == MAP_FAILED) {
      close(fd);
      fail("map", path);
    }
  }
  return std::shared_ptr<MappedFile>(new MappedFile(path, fd, data, bytes));
}

void MappedFile::finish(size_t bytes) {
  if (data_ && size_ > 0) {
    if (msync(data_, size_, MS_SYNC) != 0) fail("flush", path_);
    munmap(data_, size_);
  }
  data_ = nullptr;
  size_ = 0;
  if (fd_ >= 0) {
    if (ftruncate(fd_, static_cast<off_t>(bytes)) != 0) fail("size", path_);
    if (fsync(fd_) != 0) fail("sync", path_);
    close(fd_);
    fd_ = -1;
  }
}

}  // namespace audiogan
