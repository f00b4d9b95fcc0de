// The command line's usage contract: exit status 2 for a usage error (CLI11's parse errors and
// ConfigError), 1 for a runtime failure, 0 for --help and --version; flags `train --resume`
// cannot honour are refused by name; `train --out` does not train into an existing run.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "run_cli.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;
using cli_testing::quoted;
using cli_testing::run_cli;

constexpr int kUsage = 2;
constexpr int kFailure = 1;

// A fresh folder under the test temp dir, removed at scope exit.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(fs::path(::testing::TempDir()) /
              ("audiogan-usage-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& rest) const { return (path_ / rest).string(); }

 private:
  fs::path path_;
};

TEST(UsageContract, ParseErrorsExitWithTwoNotCli11Codes) {
  // Each of these made CLI11 exit with its own code (105-109) before.
  const std::vector<std::string> usage_errors = {
      "",                                                           // a subcommand is required
      "train --no-such-flag",                                       // unknown option
      "generate --class kick --out /tmp/x",                         // --checkpoint is required
      "generate --checkpoint c --class k --out o --count 0",        // outside [1, 1024]
      "train --epochs notanumber",                                  // not an integer
      "train --arch huge",                                          // not in {seed, default}
      "train --resume a --out b",                                   // excluded pair
      "train --resume a --force",                                   // excluded pair
      "vocode x.npy --out y.wav --zero-init --phase-start random",  // excluded pair
      "vocode x.npy --out y.wav --phase-start gaussian",            // not a start
  };
  for (const auto& args : usage_errors) {
    const auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, kUsage) << "audiogan " << args << "\n" << result.output;
    EXPECT_FALSE(result.output.empty()) << "audiogan " << args << " said nothing";
  }
}

TEST(UsageContract, ConfigErrorsExitWithTwoAndNameTheFlag) {
  ScratchDir dir("config");
  const auto result = run_cli("train --data " + quoted(dir / "data") + " --out " +
                              quoted(dir / "run") + " --batch 0");
  EXPECT_EQ(result.exit_code, kUsage) << result.output;
  EXPECT_NE(result.output.find("--batch"), std::string::npos) << result.output;
  std::ofstream(dir / "bad.toml") << "[frontend]\nn_fft = 4294968320\n";
  const auto toml =
      run_cli("prepare --data " + quoted(dir / "data") + " --config " + quoted(dir / "bad.toml"));
  EXPECT_EQ(toml.exit_code, kUsage) << toml.output;
  EXPECT_NE(toml.output.find("n_fft"), std::string::npos) << toml.output;
}

TEST(UsageContract, RuntimeFailuresExitWithOne) {
  ScratchDir dir("runtime");
  const auto missing =
      run_cli("vocode " + quoted(dir / "missing.npy") + " --out " + quoted(dir / "out.wav"));
  EXPECT_EQ(missing.exit_code, kFailure) << missing.output;
  EXPECT_NE(missing.output.find("missing.npy"), std::string::npos) << missing.output;
  const auto no_run = run_cli("train --resume " + quoted(dir / "no-run") + " --epochs 5");
  EXPECT_EQ(no_run.exit_code, kFailure) << no_run.output;
  EXPECT_NE(no_run.output.find("no checkpoint"), std::string::npos) << no_run.output;
}

TEST(UsageContract, HelpAndVersionSucceed) {
  for (const std::string args :
       {"--help", "--version", "train --help", "generate --help", "serve --help"}) {
    const auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, 0) << "audiogan " << args << "\n" << result.output;
    EXPECT_FALSE(result.output.empty()) << "audiogan " << args;
  }
}

TEST(UsageContract, ResumeRefusesEveryFlagItCannotHonourByName) {
  ScratchDir dir("resume");
  std::ofstream(dir / "c.toml") << "[train]\nepochs = 3\n";
  // Checked before the checkpoint is read, so no run is needed: the refusal is about the flags.
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"--lr", "--lr 0.001"},
      {"--config", "--config " + quoted(dir / "c.toml")},
      {"--lr-g", "--lr-g 0.001"},
      {"--arch", "--arch seed"},
      {"--width", "--width 4"},
      {"--batch", "--batch 8"},
      {"--seed", "--seed 3"},
      {"--n-mels", "--n-mels 64"},
      {"--sample-rate", "--sample-rate 16000"},
      {"--frames", "--frames 64"},
  };
  for (const auto& [flag, args] : refused) {
    const auto result = run_cli("train --resume " + quoted(dir / "run") + " " + args);
    EXPECT_EQ(result.exit_code, kUsage) << args << "\n" << result.output;
    EXPECT_NE(result.output.find(flag + " cannot be used with --resume"), std::string::npos)
        << args << "\n"
        << result.output;
  }
  // The resumable flags get past the check, to the missing checkpoint (a runtime failure).
  for (const std::string args :
       {"--epochs 9", "--max-steps 10", "--time-budget 60", "--threads 1", "--checkpoint-every 5",
        "--keep 2", "--eval-every 1", "--data x --cache y", "--vocoder griffin-lim"}) {
    const auto result = run_cli("train --resume " + quoted(dir / "run") + " " + args);
    EXPECT_EQ(result.exit_code, kFailure) << args << "\n" << result.output;
    EXPECT_NE(result.output.find("no checkpoint"), std::string::npos) << args << result.output;
  }
}

TEST(UsageContract, OutRefusesAFolderHoldingARunAndLeavesItAlone) {
  ScratchDir dir("out");
  fs::create_directories(dir / "run/checkpoints");
  std::ofstream(dir / "run/metrics.jsonl") << "{\"epoch\": 1}\n";
  const auto result = run_cli("train --data " + quoted(dir / "data") + " --out " +
                              quoted(dir / "run") + " --epochs 1");
  EXPECT_EQ(result.exit_code, kUsage) << result.output;
  EXPECT_NE(result.output.find("already holds a run"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("--resume"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("--force"), std::string::npos) << result.output;
  EXPECT_TRUE(fs::exists(dir / "run/metrics.jsonl"));
  EXPECT_TRUE(fs::exists(dir / "run/checkpoints"));
}

}  // namespace
}  // namespace audiogan
