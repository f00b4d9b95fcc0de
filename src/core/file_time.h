// A file's modification time as Unix time: the one file-time helper of the tree (the dataset's
// cache keys, the server's checkpoint listing and its reload check all use it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace audiogan {

struct FileStamp {
  int64_t mtime_ns = 0;  // last modification, nanoseconds since 1970-01-01 UTC
  int64_t size = 0;      // bytes

  bool operator==(const FileStamp& other) const {
    return mtime_ns == other.mtime_ns && size == other.size;
  }
  bool operator!=(const FileStamp& other) const { return !(*this == other); }
};

// stat() of `path`, symlinks followed; nullopt when it cannot be read. Not
// std::filesystem::last_write_time: C++17 leaves its clock's epoch unspecified, and GCC 12's is
// 2174-01-01, which made a file written today about -4.7e18 ns old.
std::optional<FileStamp> file_stamp(const std::string& path);

// The modification time of `path` in Unix-epoch nanoseconds; 0 when it cannot be read.
int64_t file_mtime_ns(const std::string& path);

}  // namespace audiogan
