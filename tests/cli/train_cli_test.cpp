// The train, generate and export commands end to end on a tiny drum subset.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../train/train_fixture.h"
#include "run_cli.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;

// Runs the audiogan binary; returns the exit status and fills `output` (stdout + stderr).
int run_cli(const std::string& args, const fs::path& /*log*/, std::string& output) {
  const auto result = cli_testing::run_cli(args);
  output = result.output;
  return result.exit_code;
}

size_t lines_in(const std::string& path) {
  std::ifstream in(path);
  size_t lines = 0;
  for (std::string line; std::getline(in, line);) lines += !line.empty();
  return lines;
}

TEST(TrainCli, TrainsThenGeneratesAndExports) {
  train_testing::TinyRun t;
  ASSERT_TRUE(t.make_dataset()) << train_testing::TinyRun::missing_data_message();
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
  EXPECT_EQ(run_cli("train --resume '" + t.run() + "' --width 4", log, out), 2);
  EXPECT_NE(out.find("--width cannot be used with --resume"), std::string::npos) << out;

  // --out on a folder holding a run: refused, then started over with --force.
  const std::string again = "train --data '" + t.data() + "' --out '" + t.run() + "' --cache '" +
                            t.cache() + "' --epochs 1" + tiny;
  ASSERT_EQ(lines_in(t.run() + "/metrics.jsonl"), 2u);
  EXPECT_EQ(run_cli(again, log, out), 2) << out;
  EXPECT_NE(out.find("already holds a run"), std::string::npos) << out;
  EXPECT_EQ(lines_in(t.run() + "/metrics.jsonl"), 2u) << "a refused run touched the old one";
  ASSERT_EQ(run_cli(again + " --force", log, out), 0) << out;
  // One epoch's line: the old run's metrics were removed, not appended to.
  EXPECT_EQ(lines_in(t.run() + "/metrics.jsonl"), 1u);
  EXPECT_FALSE(fs::exists(t.run() + "/checkpoints/epoch_002.pt"));

  const std::string gen = t.run() + "/gen";
  ASSERT_EQ(run_cli("generate --checkpoint '" + checkpoint +
                        "' --class snare --count 2 --seed 3"
                        " --iters 2 --out '" +
                        gen + "'",
                    log, out),
            0)
      << out;
  // Clip i has seed 3 + i (as on the web page).
  EXPECT_TRUE(fs::exists(gen + "/snare_seed3.wav"));
  EXPECT_TRUE(fs::exists(gen + "/snare_seed4.wav"));
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
