// `audiogan prepare` end to end: a summary naming skipped files, a warning for non-audio files,
// and one error line with a non-zero exit when the dataset is unusable.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <cstdio>

#include "test_audio_files.h"

namespace audiogan {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, or stderr only
};

CommandResult run(const std::string& arguments, bool stderr_only = false) {
  CommandResult result;
  const std::string command =
      std::string(AUDIOGAN_BINARY) + " " + arguments + (stderr_only ? " 2>&1 >/dev/null" : " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

const char* kSmall =
    " --sample-rate 16000 --n-fft 256 --win-length 256 --hop 64 --n-mels 32 --frames 32";

TEST(PrepareCommand, SummarisesClassesAndSkippedFiles) {
  testing_files::TempDir dir;
  for (int i = 0; i < 4; ++i) {
    testing_files::write_mono(
        dir / ("data/train/" + std::string(i % 2 ? "b" : "a") + "/" + std::to_string(i) + ".wav"),
        testing_files::hit(i, 0.2, 22050), 22050);
  }
  testing_files::write_bytes(dir / "data/train/a/broken.wav", "not audio");
  testing_files::write_bytes(dir / "data/train/b/notes.txt", "hello");
  const CommandResult first = run("prepare --data " + (dir / "data") + " --threads 1" + kSmall);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("4 usable of 5"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("a 2, b 2"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("broken.wav"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("warning"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("notes.txt"), std::string::npos) << first.output;
  const CommandResult second = run("prepare --data " + (dir / "data") + kSmall);
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("reused 4, computed 0"), std::string::npos) << second.output;
}

TEST(PrepareCommand, MissingRootFailsWithOneErrorLine) {
  const CommandResult result =
      run("prepare --data /nonexistent/audiogan-data", /*stderr_only=*/true);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.output.rfind("audiogan: error: ", 0), 0u) << result.output;
  EXPECT_NE(result.output.find("expected layout"), std::string::npos) << result.output;
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
}

TEST(PrepareCommand, NoUsableFileFailsWithANonZeroExit) {
  testing_files::TempDir dir;
  testing_files::write_broken_corpus(dir.path() / "data/kick");
  const CommandResult result = run("prepare --data " + (dir / "data") + kSmall);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("no usable audio file"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("zero-bytes.wav"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace audiogan
