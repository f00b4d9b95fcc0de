// The cache index reader trusts only what a writer could have written: anything else is nullopt,
// so the cache is rebuilt instead of mapped with a wrong shape.
#include "data/cache_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace audiogan {
namespace {

namespace fs = std::filesystem;

CacheIndex small_index() {
  CacheIndex index;
  index.frontend = "sample_rate=22050 frames=96";
  index.split_dir = "/data/train";
  index.class_names = {"kick", "snare"};
  index.n_mels = 128;
  index.frames = 96;
  index.data_file = "logmel-0.1.bin";
  index.entries = {{"/data/train/kick/a.wav", 57830, 1338629327000000000, 0, "kick", 19, 0.218},
                   {"/data/train/snare/b.wav", 1000, 5, 1, "snare", 96, 1.5}};
  index.failed = {{"/data/train/kick/broken.wav", 17, 3, "not audio"}};
  return index;
}

class CacheIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("audiogan-cache-index-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write_cache_index(path(), small_index());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path() const { return (dir_ / "index.json").string(); }

  // A freshly written index with one value replaced (`entry` < 0: a top-level key).
  std::optional<CacheIndex> read_with(const std::string& key, const nlohmann::json& value,
                                      int entry = -1) {
    write_cache_index(path(), small_index());
    std::ifstream in(path());
    nlohmann::json j = nlohmann::json::parse(in);
    (entry < 0 ? j : j["entries"][entry])[key] = value;
    std::ofstream(path(), std::ios::trunc) << j.dump();
    return read_cache_index(path());
  }

  fs::path dir_;
};

TEST_F(CacheIndexTest, AWrittenIndexReadsBackUnchanged) {
  const auto index = read_cache_index(path());
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->class_names, small_index().class_names);
  EXPECT_EQ(index->frames, 96);
  ASSERT_EQ(index->entries.size(), 2u);
  EXPECT_EQ(index->entries[0].mtime_ns, 1338629327000000000);
  EXPECT_EQ(index->entries[1].class_index, 1);
  ASSERT_EQ(index->failed.size(), 1u);
  EXPECT_EQ(index->failed[0].reason, "not audio");
}

TEST_F(CacheIndexTest, ANumberOutsideItsFieldIsNotTrusted) {
  // Found by fuzz/cache_index_fuzz.cpp: 2.1e19 is a JSON float beyond int64, and converting it
  // was undefined behaviour.
  EXPECT_FALSE(read_with("mtime_ns", 2.1338629327e19, 1).has_value());
  EXPECT_FALSE(read_with("size", 1.5, 0).has_value());
  EXPECT_FALSE(read_with("class", 4294967296LL, 0).has_value());
  EXPECT_FALSE(read_with("frames", 18446744073709551615ULL).has_value());
  EXPECT_FALSE(read_with("version", "1").has_value());
}

TEST_F(CacheIndexTest, AShapeOrClassNoCacheHasIsNotTrusted) {
  EXPECT_FALSE(read_with("frames", -4).has_value());
  EXPECT_FALSE(read_with("n_mels", 0).has_value());
  EXPECT_FALSE(read_with("n_mels", int64_t{1} << 40).has_value());
  EXPECT_FALSE(read_with("class", 2, 1).has_value());
  EXPECT_FALSE(read_with("content_frames", -1, 0).has_value());
  EXPECT_TRUE(read_with("frames", 512).has_value());
}

}  // namespace
}  // namespace audiogan
