// The class-folder scan: both layouts, sorted class ids, skipped non-audio files, and the errors
// that show the expected layout.
#include "data/dataset.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_audio_files.h"

namespace audiogan {
namespace {

using testing_files::TempDir;

void touch_wav(const std::string& path) {
  testing_files::write_mono(path, testing_files::tone(440, 0.05, 8000), 8000);
}

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const DataError& error) {
    return error.what();
  }
  return "";
}

TEST(Dataset, ScansTheTrainSplitWithSortedClassIds) {
  TempDir dir;
  touch_wav(dir / "train/snare/b.wav");
  touch_wav(dir / "train/snare/a.wav");
  touch_wav(dir / "train/kick/x.wav");
  touch_wav(dir / "test/kick/y.wav");
  const Dataset dataset = scan_dataset(dir.path().string());
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"kick", "snare"}));
  ASSERT_EQ(dataset.files.size(), 3u);
  EXPECT_EQ(dataset.files[0].class_index, 0);
  EXPECT_NE(dataset.files[0].path.find("kick/x.wav"), std::string::npos);
  EXPECT_NE(dataset.files[1].path.find("snare/a.wav"), std::string::npos);
  EXPECT_EQ(dataset.files[2].class_index, 1);
  EXPECT_GT(dataset.files[0].size, 44);
  EXPECT_GT(dataset.files[0].mtime_ns, 0);
  EXPECT_TRUE(has_split(dir.path().string(), "test"));
  EXPECT_EQ(scan_dataset(dir.path().string(), "test").files.size(), 1u);
}

TEST(Dataset, AcceptsARootWhoseFoldersAreTheClasses) {
  TempDir dir;
  touch_wav(dir / "dog/1.wav");
  touch_wav(dir / "rain/2.wav");
  const Dataset dataset = scan_dataset(dir.path().string());
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"dog", "rain"}));
  EXPECT_EQ(dataset.files.size(), 2u);
  EXPECT_FALSE(has_split(dir.path().string(), "train"));
}

TEST(Dataset, ListsNonAudioFilesAsSkippedAndIgnoresHiddenOnes) {
  TempDir dir;
  touch_wav(dir / "train/kick/a.wav");
  testing_files::write_bytes(dir / "train/kick/notes.txt", "hello");
  testing_files::write_bytes(dir / "train/kick/.DS_Store", "x");
  touch_wav(dir / "train/.audiogan-cache/not-a-class.wav");
  const Dataset dataset = scan_dataset(dir.path().string());
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"kick"}));
  ASSERT_EQ(dataset.not_audio.size(), 1u);
  EXPECT_NE(dataset.not_audio[0].path.find("notes.txt"), std::string::npos);
  EXPECT_EQ(dataset.files.size(), 1u);
}

TEST(Dataset, ExtensionsAreMatchedWithoutCase) {
  TempDir dir;
  touch_wav(dir / "kick/A.WAV");
  EXPECT_EQ(scan_dataset(dir.path().string()).files.size(), 1u);
}

TEST(Dataset, MissingRootIsADataErrorShowingTheLayout) {
  const std::string message = message_of([] { scan_dataset("/nonexistent/audiogan-data"); });
  EXPECT_NE(message.find("/nonexistent/audiogan-data"), std::string::npos);
  EXPECT_NE(message.find("expected layout"), std::string::npos);
  EXPECT_NE(message.find("train/<class>"), std::string::npos);
}

TEST(Dataset, EmptyClassFolderIsADataErrorNamingIt) {
  TempDir dir;
  touch_wav(dir / "train/kick/a.wav");
  std::filesystem::create_directories(dir.path() / "train/snare");
  const std::string message = message_of([&] { scan_dataset(dir.path().string()); });
  EXPECT_NE(message.find("snare"), std::string::npos);
  EXPECT_NE(message.find("expected layout"), std::string::npos);
}

TEST(Dataset, ClassFolderWithOnlyNonAudioFilesIsADataError) {
  TempDir dir;
  testing_files::write_bytes(dir / "train/kick/readme.md", "x");
  EXPECT_NE(message_of([&] { scan_dataset(dir.path().string()); }).find("no audio file"),
            std::string::npos);
}

TEST(Dataset, RootWithoutClassFoldersIsADataError) {
  TempDir dir;
  testing_files::write_bytes(dir / "loose.wav", "x");
  EXPECT_NE(message_of([&] { scan_dataset(dir.path().string()); }).find("no class folders"),
            std::string::npos);
}

TEST(Dataset, MissingTestSplitIsADataError) {
  TempDir dir;
  touch_wav(dir / "train/kick/a.wav");
  EXPECT_NE(message_of([&] { scan_dataset(dir.path().string(), "test"); }).find("'test'"),
            std::string::npos);
}

TEST(Dataset, FixedClassNamesKeepIdsWhenATestSplitLacksAClass) {
  TempDir dir;
  touch_wav(dir / "test/snare/a.wav");
  const Dataset dataset = scan_dataset(dir.path().string(), "test", {"kick", "snare"});
  EXPECT_EQ(dataset.class_names.size(), 2u);
  ASSERT_EQ(dataset.files.size(), 1u);
  EXPECT_EQ(dataset.files[0].class_index, 1);
  EXPECT_THROW(scan_dataset(dir.path().string(), "test", {"kick"}), DataError);
}

}  // namespace
}  // namespace audiogan
