// Checkpoint writes that fail (a file-size limit standing in for a full disk) or that a killed
// process left half-done: the previous checkpoint stays readable and no temp file is left.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "train/checkpoint.h"
#include "train_fixture.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;

// Lowers this process's file-size limit (RLIMIT_FSIZE) and ignores SIGXFSZ, so a write past the
// limit fails with EFBIG as on a full disk instead of killing the process; restores both.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    EXPECT_EQ(::getrlimit(RLIMIT_FSIZE, &saved_), 0);
    rlimit lowered = saved_;
    lowered.rlim_cur = bytes;
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &lowered), 0);
    saved_handler_ = std::signal(SIGXFSZ, SIG_IGN);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, saved_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*saved_handler_)(int) = SIG_DFL;
};

CheckpointMeta meta_at_step(int64_t step) {
  CheckpointMeta meta;
  meta.step = step;
  meta.config_toml = Config().to_toml();
  meta.class_names = {"kick"};
  meta.frontend = FrontendConfig().to_string();
  meta.spec.arch = "seed";
  meta.spec.num_classes = 1;
  return meta;
}

void commit_checkpoint(const std::string& path, const torch::nn::Module& net, int64_t step) {
  CheckpointWriter writer;
  writer.add_module("net", net);
  writer.commit({path}, meta_at_step(step));
}

std::vector<std::string> temp_files_in(const fs::path& folder) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const auto name = entry.path().filename().string();
    if (name.find(".tmp") != std::string::npos) found.push_back(name);
  }
  return found;
}

// The pid of a child that has exited and been reaped: no process runs under it.
pid_t finished_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

TEST(CheckpointWriteFailure, FullDiskThrowsIoErrorAndKeepsThePreviousCheckpoint) {
  train_testing::TinyRun dir;
  const auto path = (dir.root() / "last.pt").string();
  torch::manual_seed(3);
  torch::nn::Linear small(4, 2);
  commit_checkpoint(path, *small, 10);
  const auto previous_size = fs::file_size(path);
  // A net whose checkpoint is far larger than the limit, which the first one is under.
  torch::nn::Linear large(256, 256);
  try {
    const FileSizeLimit limit(previous_size + 4096);
    commit_checkpoint(path, *large, 20);
    FAIL() << "a checkpoint larger than the file-size limit was written";
  } catch (const IoError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("File too large"), std::string::npos) << message;
  }
  EXPECT_EQ(fs::file_size(path), previous_size);
  CheckpointReader reader(path);
  EXPECT_EQ(reader.meta().step, 10);
  torch::nn::Linear loaded(4, 2);
  reader.load_module("net", *loaded);
  EXPECT_TRUE(torch::equal(loaded->weight, small->weight));
  EXPECT_TRUE(temp_files_in(dir.root()).empty());
}

TEST(CheckpointWriteFailure, UnwritableFolderThrowsIoErrorNamingThePath) {
  train_testing::TinyRun dir;
  const auto blocker = dir.root() / "not-a-folder";
  std::ofstream(blocker) << "a file where the checkpoint folder should be";
  const auto path = (blocker / "last.pt").string();
  torch::nn::Linear net(4, 2);
  try {
    commit_checkpoint(path, *net, 1);
    FAIL() << "a checkpoint was written under a regular file";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
}

TEST(CheckpointWriteFailure, TempFilesOfKilledWritersAreRemovedOnTheNextWrite) {
  train_testing::TinyRun dir;
  const auto path = dir.root() / "last.pt";
  const std::string dead = std::to_string(finished_pid());
  const std::string live = std::to_string(::getppid());
  for (const std::string& name : std::vector<std::string>{
           "last.pt.tmp." + dead, "epoch_003.pt.tmp." + dead, "last.pt.tmp." + live,
           "config.toml.tmp." + dead, "last.pt.tmp.x1"}) {
    std::ofstream(dir.root() / name) << "half a checkpoint";
  }
  torch::nn::Linear net(4, 2);
  commit_checkpoint(path.string(), *net, 5);
  EXPECT_EQ(CheckpointReader(path.string()).meta().step, 5);
  // Leftovers of the target and of its .pt siblings from a process that is gone.
  EXPECT_FALSE(fs::exists(dir.root() / ("last.pt.tmp." + dead)));
  EXPECT_FALSE(fs::exists(dir.root() / ("epoch_003.pt.tmp." + dead)));
  // A running process's, another kind of file's and a name that is not a pid stay.
  EXPECT_TRUE(fs::exists(dir.root() / ("last.pt.tmp." + live)));
  EXPECT_TRUE(fs::exists(dir.root() / ("config.toml.tmp." + dead)));
  EXPECT_TRUE(fs::exists(dir.root() / "last.pt.tmp.x1"));
}

}  // namespace
}  // namespace audiogan
