// The spectrogram cache: contents equal the front end's log-mels, unchanged files are reused,
// changed ones recomputed, broken ones skipped with a reason, and stale caches refused.
#include "data/spectrogram_cache.h"

#include <gtest/gtest.h>

#include <thread>

#include "audio/audio_file.h"
#include "core/error.h"
#include "dsp/mel.h"
#include "test_audio_files.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;
using testing_files::TempDir;

// A small front end keeps every test fast: 32 x 32 log-mels of 16 kHz audio.
FrontendConfig small_frontend() {
  FrontendConfig config;
  config.sample_rate = 16000;
  config.n_fft = 256;
  config.win_length = 256;
  config.hop_length = 64;
  config.n_mels = 32;
  config.frames = 32;
  return config;
}

// Six short hits in two classes, at rates other than the front end's.
void write_small_dataset(const TempDir& dir) {
  for (int i = 0; i < 6; ++i) {
    const std::string cls = i % 2 ? "snare" : "kick";
    testing_files::write_mono(dir / ("data/train/" + cls + "/" + std::to_string(i) + ".wav"),
                              testing_files::hit(i, 0.2, 22050), 22050);
  }
}

SpectrogramCache build(const TempDir& dir, CacheBuildReport* report,
                       const FrontendConfig& frontend = small_frontend()) {
  const Dataset dataset = scan_dataset(dir / "data");
  return SpectrogramCache::build(dataset, frontend, dir / "cache", /*threads=*/2, nullptr, report);
}

// Moves a file's mtime forward so the change is seen even on coarse-timestamp filesystems.
void bump_mtime(const std::string& path) {
  fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(5));
}

TEST(SpectrogramCache, RowsEqualTheLogMelOfEachFileInFloat16) {
  TempDir dir;
  write_small_dataset(dir);
  CacheBuildReport report;
  const SpectrogramCache cache = build(dir, &report);
  EXPECT_EQ(report.computed, 6);
  EXPECT_EQ(report.reused, 0);
  EXPECT_TRUE(report.failed.empty());
  ASSERT_EQ(cache.size(), 6);
  EXPECT_EQ(cache.class_names(), (std::vector<std::string>{"kick", "snare"}));
  EXPECT_EQ(cache.spectrograms().scalar_type(), torch::kHalf);
  EXPECT_EQ(cache.spectrograms().sizes(), (std::vector<int64_t>{6, 32, 32}));
  for (int64_t i = 0; i < cache.size(); ++i) {
    AudioClip clip = read_audio(cache.path(i), 16000);
    const auto expected = dsp::log_mel(
        torch::from_blob(clip.samples.data(), {(int64_t)clip.samples.size()}), small_frontend());
    const auto got = cache.spectrograms()[i].to(torch::kFloat);
    const double scale = expected.abs().max().item<double>();
    EXPECT_LT((got - expected).abs().max().item<double>(), 1e-3 * scale + 1e-3) << i;
    const bool is_snare = cache.path(i).find("/snare/") != std::string::npos;
    EXPECT_EQ(cache.labels()[i].item<int64_t>(), is_snare ? 1 : 0);
  }
  EXPECT_EQ(cache.data_bytes(), 6 * 32 * 32 * 2);
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(cache.data_path())), cache.data_bytes());
}

TEST(SpectrogramCache, SecondBuildReusesEveryEntry) {
  TempDir dir;
  write_small_dataset(dir);
  CacheBuildReport first, second;
  const auto a = build(dir, &first);
  const auto b = build(dir, &second);
  EXPECT_EQ(second.reused, 6);
  EXPECT_EQ(second.computed, 0);
  EXPECT_TRUE(torch::equal(a.spectrograms(), b.spectrograms()));
}

TEST(SpectrogramCache, RecomputesOnlyTheFileThatChanged) {
  TempDir dir;
  write_small_dataset(dir);
  CacheBuildReport report;
  const torch::Tensor before = build(dir, &report).spectrograms().clone();
  const std::string changed = dir / "data/train/snare/3.wav";
  testing_files::write_mono(changed, testing_files::tone(3000, 0.2, 22050), 22050);
  bump_mtime(changed);
  const SpectrogramCache cache = build(dir, &report);
  EXPECT_EQ(report.reused, 5);
  EXPECT_EQ(report.computed, 1);
  for (int64_t i = 0; i < cache.size(); ++i) {
    const bool same = torch::equal(cache.spectrograms()[i], before[i]);
    EXPECT_EQ(same, cache.path(i) != fs::absolute(changed).string()) << cache.path(i);
  }
}

TEST(SpectrogramCache, TouchingAFileRecomputesOnlyThatEntry) {
  TempDir dir;
  write_small_dataset(dir);
  CacheBuildReport report;
  build(dir, &report);
  bump_mtime(dir / "data/train/kick/0.wav");
  build(dir, &report);
  EXPECT_EQ(report.reused, 5);
  EXPECT_EQ(report.computed, 1);
}

TEST(SpectrogramCache, AddedAndRemovedFilesAreFollowed) {
  TempDir dir;
  write_small_dataset(dir);
  CacheBuildReport report;
  build(dir, &report);
  fs::remove(dir / "data/train/kick/0.wav");
  testing_files::write_mono(dir / "data/train/kick/9.wav", testing_files::hit(9, 0.2, 8000), 8000);
  const SpectrogramCache cache = build(dir, &report);
  EXPECT_EQ(cache.size(), 6);
  EXPECT_EQ(report.reused, 5);
  EXPECT_EQ(report.computed, 1);
}

TEST(SpectrogramCache, OtherFrontEndSettingsUseAnotherCache) {
  TempDir dir;
  write_small_dataset(dir);
  CacheBuildReport report;
  const auto a = build(dir, &report);
  FrontendConfig other = small_frontend();
  other.n_mels = 16;
  const auto b = build(dir, &report, other);
  EXPECT_EQ(report.computed, 6);
  EXPECT_NE(a.index_path(), b.index_path());
  EXPECT_EQ(b.spectrograms().size(1), 16);
  build(dir, &report);  // the first settings' cache is still there
  EXPECT_EQ(report.reused, 6);
}

TEST(SpectrogramCache, SkipsBrokenFilesWithTheirReasonsAndKeepsUnusualOnes) {
  TempDir dir;
  write_small_dataset(dir);
  testing_files::write_broken_corpus(dir.path() / "data/train/kick");
  testing_files::write_unusual_corpus(dir.path() / "data/train/snare");
  testing_files::write_long_file(dir / "data/train/snare/thirty-minutes.wav", 30 * 60);
  int64_t calls = 0, last_done = 0;
  const Dataset dataset = scan_dataset(dir / "data");
  CacheBuildReport report;
  const SpectrogramCache cache = SpectrogramCache::build(
      dataset, small_frontend(), dir / "cache", 2,
      [&](const CacheProgress& p) {
        ++calls;
        last_done = p.done;
        EXPECT_EQ(p.total, 14);
      },
      &report);
  EXPECT_EQ(cache.size(), 10);  // 6 hits, 8-bit, 96 kHz, 6 channels, 30 minutes
  EXPECT_EQ(report.computed, 10);
  EXPECT_EQ(last_done, 14);
  EXPECT_GE(calls, 14);
  ASSERT_EQ(report.failed.size(), 4u);
  std::vector<std::string> names;
  for (const auto& failure : report.failed) {
    names.push_back(fs::path(failure.path).filename().string());
    EXPECT_FALSE(failure.reason.empty());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"nan-samples.wav", "text-named.wav",
                                             "truncated-header.wav", "zero-bytes.wav"}));
  EXPECT_TRUE(torch::isfinite(cache.spectrograms()).all().item<bool>());
  // Broken files are remembered: an unchanged one is not decoded again, and still reported.
  CacheBuildReport again;
  build(dir, &again);
  EXPECT_EQ(again.computed, 0);
  EXPECT_EQ(again.failed.size(), 4u);
}

TEST(SpectrogramCache, NoUsableFileIsADataError) {
  TempDir dir;
  testing_files::write_broken_corpus(dir.path() / "data/kick");
  CacheBuildReport report;
  EXPECT_THROW(build(dir, &report), DataError);
  EXPECT_EQ(report.failed.size(), 4u);
}

TEST(SpectrogramCache, FramesZeroIsAConfigErrorNamingTheFlag) {
  TempDir dir;
  write_small_dataset(dir);
  FrontendConfig variable = small_frontend();
  variable.frames = 0;
  try {
    build(dir, nullptr, variable);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("--frames"), std::string::npos);
  }
}

TEST(SpectrogramCache, OpenReturnsTheBuiltCacheAndRefusesAStaleOne) {
  TempDir dir;
  write_small_dataset(dir);
  const Dataset dataset = scan_dataset(dir / "data");
  EXPECT_THROW(SpectrogramCache::open(dataset, small_frontend(), dir / "cache"), DataError);
  const auto built = build(dir, nullptr);
  const auto opened = SpectrogramCache::open(dataset, small_frontend(), dir / "cache");
  EXPECT_TRUE(torch::equal(built.spectrograms(), opened.spectrograms()));
  EXPECT_TRUE(torch::equal(built.labels(), opened.labels()));
  bump_mtime(dir / "data/train/kick/2.wav");
  try {
    SpectrogramCache::open(scan_dataset(dir / "data"), small_frontend(), dir / "cache");
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("stale"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("audiogan prepare"), std::string::npos);
  }
}

TEST(SpectrogramCache, DefaultFolderIsInsideTheDatasetRoot) {
  TempDir dir;
  write_small_dataset(dir);
  const Dataset dataset = scan_dataset(dir / "data");
  const auto cache = SpectrogramCache::build(dataset, small_frontend(), "", 1, nullptr, nullptr);
  EXPECT_EQ(fs::path(cache.index_path()).parent_path(), fs::path(dir / "data/.audiogan-cache"));
  EXPECT_EQ(scan_dataset(dir / "data").files.size(), 6u);  // the cache is not taken for a class
}

TEST(SpectrogramCache, TensorsOutliveTheCacheObjectAndLeaveOneDataFile) {
  TempDir dir;
  write_small_dataset(dir);
  torch::Tensor kept;
  {
    const auto cache = build(dir, nullptr);
    kept = cache.spectrograms()[1];
  }
  bump_mtime(dir / "data/train/snare/1.wav");
  const auto rebuilt = build(dir, nullptr);  // replaces the data file kept still maps
  EXPECT_TRUE(torch::equal(kept, rebuilt.spectrograms()[1]));
  int bins = 0;
  for (const auto& entry : fs::directory_iterator(dir.path() / "cache")) {
    bins += entry.path().extension() == ".bin";
  }
  EXPECT_EQ(bins, 1);
}

TEST(SpectrogramCache, ContentFramesCountTheNonSilentPart) {
  TempDir dir;
  // 0.05 s of tone then 0.25 s of silence: at hop 64 / 16 kHz the sound spans ~13 frames.
  std::vector<float> samples = testing_files::tone(800, 0.05, 16000);
  samples.resize(static_cast<size_t>(0.3 * 16000), 0.0f);
  testing_files::write_mono(dir / "data/a/short.wav", samples, 16000);
  testing_files::write_mono(dir / "data/a/full.wav", testing_files::tone(800, 1.0, 16000), 16000);
  const auto cache = build(dir, nullptr);
  const auto frames = cache.content_frames();
  ASSERT_EQ(frames.size(0), 2);
  const int64_t full =
      frames[cache.path(0).find("full") != std::string::npos ? 0 : 1].item<int64_t>();
  const int64_t short_one =
      frames[cache.path(0).find("full") != std::string::npos ? 1 : 0].item<int64_t>();
  EXPECT_EQ(full, 32);
  EXPECT_GE(short_one, 12);
  EXPECT_LE(short_one, 16);
}

}  // namespace
}  // namespace audiogan
