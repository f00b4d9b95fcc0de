// File times from stat() (see file_time.h).
#include "core/file_time.h"

#include <sys/stat.h>

namespace audiogan {

std::optional<FileStamp> file_stamp(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  FileStamp stamp;
  stamp.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec;
  stamp.size = static_cast<int64_t>(info.st_size);
  return stamp;
}

int64_t file_mtime_ns(const std::string& path) {
  const auto stamp = file_stamp(path);
  return stamp ? stamp->mtime_ns : 0;
}

}  // namespace audiogan
