// `train` stopped by SIGTERM (what a scheduler or `timeout` sends): it checkpoints, says so and
// exits 0, and the run resumes from that checkpoint.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>

#include "../data/test_audio_files.h"
#include "../train/train_fixture.h"
#include "run_cli.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;

// The number of SIGTERMs sent: `timeout` (as docs/EXPERIMENTS.md's protocol uses it) signals the
// child and then its process group, so the trainer may get the request twice.
class TrainSigterm : public ::testing::TestWithParam<int> {};

TEST_P(TrainSigterm, CheckpointsAndTheRunResumes) {
  train_testing::TinyRun t;
  ASSERT_TRUE(t.make_dataset()) << train_testing::TinyRun::missing_data_message();
  const fs::path log = t.root() / "train.log";
  // Everything the child needs is built before fork(): a forked copy of a multithreaded process
  // may only call async-signal-safe functions until it execs.
  const std::string command =
      "exec " + std::string(AUDIOGAN_BINARY) + " train --data " + cli_testing::quoted(t.data()) +
      " --out " + cli_testing::quoted(t.run()) + " --cache " + cli_testing::quoted(t.cache()) +
      " --epochs 100000 --sample-rate 16000 --n-fft 512 --win-length 512 --hop 256"
      " --n-mels 32 --frames 32 --arch seed --batch 4 --width 2 --latent 8 --amp off"
      " --device cpu --threads 1 >" +
      cli_testing::quoted(log.string()) + " 2>&1";
  const pid_t child = ::fork();
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(child, 0);
  // Signal once training has taken steps: the first epoch's line is in the log.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (testing_files::read_bytes(log.string()).find("epoch 1/") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (int i = 0; i < GetParam(); ++i) {
    ASSERT_EQ(::kill(child, SIGTERM), 0);
    // Apart, so the first is handled before the next arrives (signals sent together coalesce).
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  const std::string output = testing_files::read_bytes(log.string());
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status) << ":\n" << output;
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_NE(output.find("stopped by signal"), std::string::npos) << output;
  ASSERT_TRUE(fs::exists(t.run() + "/checkpoints/last.pt")) << output;

  const auto resumed =
      cli_testing::run_cli("train --resume " + cli_testing::quoted(t.run()) + " --time-budget 1");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming at epoch"), std::string::npos) << resumed.output;
}

INSTANTIATE_TEST_SUITE_P(OnceOrTwice, TrainSigterm, ::testing::Values(1, 2));

}  // namespace
}  // namespace audiogan
