// The file-time helper: Unix time (what the server reports and the cache keys), sizes, and
// unreadable paths.
#include "core/file_time.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace audiogan {
namespace {

namespace fs = std::filesystem;

int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(FileTime, AFreshFileIsStampedWithTheCurrentUnixTimeAndItsSize) {
  const fs::path path =
      fs::path(::testing::TempDir()) / ("file_time_" + std::to_string(::getpid()) + ".bin");
  std::ofstream(path, std::ios::binary) << std::string(1234, 'x');
  const auto stamp = file_stamp(path.string());
  ASSERT_TRUE(stamp.has_value());
  // Within a minute of now: GCC 12's file_clock epoch put this near -4.7e18.
  constexpr int64_t kMinuteNs = 60LL * 1000 * 1000 * 1000;
  EXPECT_LT(std::llabs(stamp->mtime_ns - unix_now_ns()), kMinuteNs) << stamp->mtime_ns;
  EXPECT_EQ(stamp->size, 1234);
  EXPECT_EQ(file_mtime_ns(path.string()), stamp->mtime_ns);

  // A change of time is seen, to the nanosecond stat() keeps.
  const auto earlier = fs::last_write_time(path) - std::chrono::hours(2);
  fs::last_write_time(path, earlier);
  const int64_t moved = file_mtime_ns(path.string());
  EXPECT_NEAR(static_cast<double>(stamp->mtime_ns - moved), 7200e9, 1e9);
  fs::remove(path);
}

TEST(FileTime, AMissingFileHasNoStamp) {
  EXPECT_FALSE(file_stamp("/nonexistent/audiogan-file-time").has_value());
  EXPECT_EQ(file_mtime_ns("/nonexistent/audiogan-file-time"), 0);
}

}  // namespace
}  // namespace audiogan
