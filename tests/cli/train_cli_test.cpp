// The train, generate and export commands end to end on a tiny drum subset.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../train/train_fixture.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;

// Runs the audiogan binary; returns the exit status and fills `output` (stdout + stderr).
int run_cli(const std::string& args, const fs::path& log, std::string& output) {
  const std::string command =
      std::string(AUDIOGAN_BINARY) + " " + args + " > '" + log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  output = text.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(TrainCli, TrainsThenGeneratesAndExports) {
  train_testing::TinyRun t;
  if (!t.make_dataset()) GTEST_SKIP() << "hydrogen drum kits not installed";
  const auto log = t.root() / "log.txt";
  std::string out;
  const std::string tiny =
      " --sample-rate 16000 --n-fft 512 --win-length 512 --hop 256 --n-mels 32 --frames 32"
      " --arch seed --batch 4 --width 2 --latent 8 --amp off --device cpu --threads 1";
  ASSERT_EQ(run_cli("train --data '" + t.data() + "' --out '" + t.run() + "' --cache '" +
                        t.cache() + "' --epochs 1" + tiny,
                    log, out),
            0)
      << out;
  EXPECT_NE(out.find("epoch 1/1"), std::string::npos) << out;
  EXPECT_NE(out.find("audiogan train --resume"), std::string::npos) << out;
  const std::string checkpoint = t.run() + "/checkpoints/last.pt";
  ASSERT_TRUE(fs::exists(checkpoint));

  ASSERT_EQ(run_cli("train --resume '" + t.run() + "' --epochs 2", log, out), 0) << out;
  EXPECT_NE(out.find("epoch 2/2"), std::string::npos) << out;
  EXPECT_NE(run_cli("train --resume '" + t.run() + "' --width 4", log, out), 0);
  EXPECT_NE(out.find("cannot change when resuming"), std::string::npos) << out;

  const std::string gen = t.run() + "/gen";
  ASSERT_EQ(run_cli("generate --checkpoint '" + checkpoint +
                        "' --class snare --count 2 --seed 3"
                        " --iters 2 --out '" +
                        gen + "'",
                    log, out),
            0)
      << out;
  EXPECT_TRUE(fs::exists(gen + "/snare_seed3_00.wav"));
  EXPECT_TRUE(fs::exists(gen + "/snare_seed3_01.wav"));
  EXPECT_TRUE(fs::exists(gen + "/snare.png"));

  EXPECT_NE(run_cli("generate --checkpoint '" + checkpoint + "' --class hat --out '" + gen + "'",
                    log, out),
            0);
  EXPECT_NE(out.find("audiogan: error:"), std::string::npos) << out;
  EXPECT_NE(out.find("kick"), std::string::npos) << out;

  const std::string exported = t.run() + "/G.pt";
  ASSERT_EQ(run_cli("export --checkpoint '" + checkpoint + "' --out '" + exported + "'", log, out),
            0)
      << out;
  ASSERT_EQ(run_cli("generate --checkpoint '" + exported +
                        "' --class 0 --count 1 --iters 2"
                        " --interpolate 9 --steps 3 --out '" +
                        gen + "'",
                    log, out),
            0)
      << out;
  EXPECT_TRUE(fs::exists(gen + "/kick_interp02.wav"));
}

}  // namespace
}  // namespace audiogan
