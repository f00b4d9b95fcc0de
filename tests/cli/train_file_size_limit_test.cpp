// `train` under a file-size limit (`ulimit -f`, standing in for a full disk): the checkpoint write
// fails with a clear error naming the file and exit status 1, instead of SIGXFSZ killing the
// process mid-write, and the previous checkpoint stays whole and resumable.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "../data/test_audio_files.h"
#include "../train/train_fixture.h"
#include "run_cli.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;

struct LimitedRun {
  bool exited = false;  // false: killed by a signal
  int exit_code = -1;   // when exited
  int signal = 0;       // when killed
  std::string output;   // stdout and stderr
};

// Runs `audiogan ARGS...` in a child whose RLIMIT_FSIZE is `limit_bytes`, with the signal
// dispositions a shell would give it (SIGXFSZ at its default: terminate).
LimitedRun run_with_file_size_limit(const std::vector<std::string>& args, rlim_t limit_bytes,
                                    const fs::path& log) {
  const pid_t child = ::fork();
  if (child == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) ::_exit(126);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::signal(SIGXFSZ, SIG_DFL);
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    limit.rlim_cur = limit_bytes;
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
    std::vector<char*> argv;
    std::string binary = AUDIOGAN_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> owned = args;
    for (auto& arg : owned) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  LimitedRun result;
  int status = 0;
  ::waitpid(child, &status, 0);
  result.exited = WIFEXITED(status);
  result.exit_code = result.exited ? WEXITSTATUS(status) : -1;
  result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  result.output = testing_files::read_bytes(log.string());
  return result;
}

TEST(TrainCli, FileSizeLimitFailsTheCheckpointClearlyAndKeepsThePreviousOne) {
  train_testing::TinyRun t;
  ASSERT_TRUE(t.make_dataset()) << train_testing::TinyRun::missing_data_message();
  const std::string tiny =
      " --sample-rate 16000 --n-fft 512 --win-length 512 --hop 256 --n-mels 32 --frames 32"
      " --arch seed --batch 4 --width 2 --latent 8 --amp off --device cpu --threads 1";
  const auto first = cli_testing::run_cli("train --data '" + t.data() + "' --out '" + t.run() +
                                          "' --cache '" + t.cache() + "' --epochs 1" + tiny);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const std::string checkpoint = t.run() + "/checkpoints/last.pt";
  const std::string before = testing_files::read_bytes(checkpoint);
  // Below the checkpoint's size, far above config.toml's (written before the first step).
  const rlim_t limit = before.size() / 2;
  ASSERT_GT(limit, 16384u) << "the tiny checkpoint is smaller than assumed";

  // The first step's checkpoint (--checkpoint-every 1) is the first file past the limit.
  const auto limited = run_with_file_size_limit(
      {"train", "--resume", t.run(), "--epochs", "2", "--checkpoint-every", "1"}, limit,
      t.root() / "limited.log");
  ASSERT_TRUE(limited.exited) << "killed by signal " << limited.signal << " (SIGXFSZ is " << SIGXFSZ
                              << "):\n"
                              << limited.output;
  EXPECT_EQ(limited.exit_code, 1) << limited.output;
  EXPECT_NE(limited.output.find("audiogan: error: "), std::string::npos) << limited.output;
  EXPECT_NE(limited.output.find(checkpoint), std::string::npos) << limited.output;
  EXPECT_NE(limited.output.find("File too large"), std::string::npos) << limited.output;

  // The previous checkpoint is byte for byte the one before, no temp file is left, and the run
  // resumes from it once the limit is gone.
  EXPECT_TRUE(testing_files::read_bytes(checkpoint) == before)
      << "last.pt changed under the failed write";
  for (const auto& entry : fs::directory_iterator(t.run() + "/checkpoints")) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
  }
  const auto resumed = cli_testing::run_cli("train --resume '" + t.run() + "' --epochs 2");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming at epoch 2, batch 0"), std::string::npos)
      << resumed.output;
}

}  // namespace
}  // namespace audiogan
