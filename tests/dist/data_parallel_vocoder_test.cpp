// `train-vocoder` data-parallel end to end, as data_parallel_train_test.cpp does for `train`:
// the CLI started as torchrun would start it (RANK/WORLD_SIZE/MASTER_* in the environment,
// loopback, Gloo), on a few real drum hits, with a tiny vocoder on one thread.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include "../train/train_fixture.h"
#include "rank_launcher.h"
#include "relative_difference.h"
#include "train/checkpoint.h"
#include "train/run_dir.h"
#include "vocoder/vocoder_checkpoint.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;
using dist_testing::Rank;
using std::chrono::seconds;
using train_testing::TinyRun;

#define REQUIRE_DRUMS(t) ASSERT_TRUE((t).make_dataset()) << TinyRun::missing_data_message()

// vocoder_trainer_test.cpp's tiny model (2 blocks of dim 64, 16-frame segments, 32 mels at
// 16 kHz, hop 128): a step takes tens of milliseconds on one core. fp32 on the CPU.
std::vector<std::string> vocoder_args(const TinyRun& t, const std::string& out,
                                      std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"train-vocoder",
                                   "--data",
                                   t.data(),
                                   "--out",
                                   out,
                                   "--sample-rate",
                                   "16000",
                                   "--n-fft",
                                   "512",
                                   "--win-length",
                                   "512",
                                   "--hop",
                                   "128",
                                   "--n-mels",
                                   "32",
                                   "--dim",
                                   "64",
                                   "--intermediate",
                                   "192",
                                   "--blocks",
                                   "2",
                                   "--segment-frames",
                                   "16",
                                   "--batch",
                                   "4",
                                   "--lr",
                                   "2e-3",
                                   "--device",
                                   "cpu",
                                   "--threads",
                                   "1",
                                   "--seed",
                                   "3",
                                   "--dist-timeout",
                                   "30"};
  if (std::find(extra.begin(), extra.end(), "--eval-clips") == extra.end()) {
    args.insert(args.end(), {"--eval-clips", "0"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::string logs(const std::vector<Rank>& ranks) {
  std::string text;
  for (size_t r = 0; r < ranks.size(); ++r) {
    text += "--- rank " + std::to_string(r) + " (exit " + std::to_string(ranks[r].exit_code) +
            ")\n" + dist_testing::read_log(ranks[r]);
  }
  return text;
}

// One process (no torchrun variables); asserts it exits 0.
void run_one(const std::vector<std::string>& args, const std::string& log) {
  auto one = dist_testing::start_rank(args, 0, 0, 0, log);
  ASSERT_TRUE(dist_testing::wait_rank(one, seconds(300)));
  ASSERT_EQ(one.exit_code, 0) << dist_testing::read_log(one);
}

std::vector<torch::Tensor> weights(const std::string& out) {
  return VocoderCheckpointReader(out).load_model()->parameters();
}

// max |a - b| / max |b| over all parameters.
TEST(DataParallelVocoder, TwoRanksMatchOneProcessAccumulatingTwoMicroBatches) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  const std::vector<std::string> steps = {"--steps-per-epoch", "3", "--epochs", "1"};
  const auto two = dist_testing::run_ranks(
      2, [&](int) { return vocoder_args(t, t.run("two"), steps); }, t.run("two-log"), seconds(300));
  ASSERT_EQ(two[0].exit_code, 0) << logs(two);
  ASSERT_EQ(two[1].exit_code, 0) << logs(two);
  auto accumulate = steps;
  accumulate.insert(accumulate.end(), {"--accumulate", "2"});
  run_one(vocoder_args(t, t.run("one"), accumulate), t.run("one.log"));
  run_one(vocoder_args(t, t.run("half"), steps), t.run("half.log"));  // shard 0 alone

  EXPECT_EQ(VocoderCheckpointReader(t.run("two")).meta().step, 3);
  EXPECT_EQ(VocoderCheckpointReader(t.run("one")).meta().step, 3);
  // (g0 + g1) / 2 across ranks against g0 / 2 + g1 / 2 on one process: equal up to rounding
  // (halving is exact in binary floating point, so they usually agree bit for bit); 1e-5 of
  // the largest weight after 3 AdamW steps, fp32.
  const double difference =
      dist_testing::relative_difference(weights(t.run("two")), weights(t.run("one")));
  std::cout << "relative difference, 2 ranks vs --accumulate 2: " << difference << "\n";
  EXPECT_LT(difference, 1e-5);
  // Rank 1's shard counted: without it (one process, one micro-batch) the weights differ.
  EXPECT_GT(dist_testing::relative_difference(weights(t.run("two")), weights(t.run("half"))), 1e-4);
}

TEST(DataParallelVocoder, RankZeroAloneWritesTheFolderAndPrints) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  // Rank 1 is given its own --out: nothing may appear there.
  const auto ranks = dist_testing::run_ranks(
      2,
      [&](int rank) {
        return vocoder_args(t, t.run(rank == 0 ? "voc0" : "voc1"),
                            {"--steps-per-epoch", "2", "--epochs", "2", "--eval-clips", "1"});
      },
      t.run("log"), seconds(300));
  ASSERT_EQ(ranks[0].exit_code, 0) << logs(ranks);
  ASSERT_EQ(ranks[1].exit_code, 0) << logs(ranks);
  EXPECT_FALSE(fs::exists(t.run("voc1"))) << "rank 1 wrote a folder";
  const RunDir run{t.run("voc0")};
  EXPECT_TRUE(fs::exists(run.last_checkpoint()));
  EXPECT_TRUE(fs::exists(run.config()));
  EXPECT_TRUE(fs::exists(run.audio() + "/epoch_002"));
  const auto lines = read_json_lines(run.metrics());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["data_parallel"]["world_size"], 2);
  EXPECT_EQ(lines[0]["data_parallel"]["global_batch"], 8);
  EXPECT_GT(lines[1]["data_parallel"]["allreduce_bytes"].get<int64_t>(), 0);
  EXPECT_TRUE(lines[1].contains("eval"));
  const std::string log0 = dist_testing::read_log(ranks[0]);
  EXPECT_NE(log0.find("data-parallel: 2 processes, gloo, global batch 8"), std::string::npos)
      << log0;
  EXPECT_NE(log0.find("stopped by epochs after 2 epochs (4 steps)"), std::string::npos) << log0;
  const std::string log1 = dist_testing::read_log(ranks[1]);
  EXPECT_EQ(log1.find("epoch"), std::string::npos) << log1;
}

TEST(DataParallelVocoder, ATwoRankCheckpointResumesOnOneProcess) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  const auto ranks = dist_testing::run_ranks(
      2,
      [&](int) {
        return vocoder_args(t, t.run("voc"), {"--steps-per-epoch", "2", "--epochs", "2"});
      },
      t.run("log"), seconds(300));
  ASSERT_EQ(ranks[0].exit_code, 0) << logs(ranks);
  ASSERT_EQ(ranks[1].exit_code, 0) << logs(ranks);
  EXPECT_EQ(VocoderCheckpointReader(t.run("voc")).meta().step, 4);
  // One process: the run goes on at step 4 (a step is one draw; the world size only decides
  // how much of it is taken), epoch 3.
  run_one({"train-vocoder", "--out", t.run("voc"), "--resume", "--epochs", "3"},
          t.run("resume.log"));
  const auto meta = VocoderCheckpointReader(t.run("voc")).meta();
  EXPECT_EQ(meta.step, 6);
  EXPECT_EQ(meta.epoch, 3);
  const auto lines = read_json_lines(RunDir{t.run("voc")}.metrics());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[1].contains("data_parallel"));
  EXPECT_FALSE(lines[2].contains("data_parallel"));  // one process, one micro-batch
}

TEST(DataParallelVocoder, SigtermToOneRankStopsBothWithRankZerosCheckpoint) {
  TinyRun t;
  REQUIRE_DRUMS(t);
  const int port = dist_testing::free_port();
  std::vector<Rank> ranks;
  for (int r = 0; r < 2; ++r) {
    ranks.push_back(dist_testing::start_rank(
        vocoder_args(t, t.run("voc"), {"--steps-per-epoch", "2", "--epochs", "100000"}), r, 2, port,
        t.run("log" + std::to_string(r))));
  }
  const RunDir run{t.run("voc")};
  const auto start = std::chrono::steady_clock::now();
  while (!fs::exists(run.metrics()) && std::chrono::steady_clock::now() - start < seconds(120)) {
    if (dist_testing::wait_rank(ranks[0], std::chrono::milliseconds(50))) break;  // it failed
  }
  ASSERT_TRUE(fs::exists(run.metrics())) << logs(ranks);
  ::kill(ranks[1].pid, SIGTERM);  // rank 1 only: the stop flags are agreed every step
  for (auto& r : ranks) {
    const bool exited = dist_testing::wait_rank(r, seconds(60));
    dist_testing::kill_rank(r);
    ASSERT_TRUE(exited) << logs(ranks);
  }
  EXPECT_EQ(ranks[0].exit_code, 0) << logs(ranks);
  EXPECT_EQ(ranks[1].exit_code, 0) << logs(ranks);
  const std::string log0 = dist_testing::read_log(ranks[0]);
  EXPECT_NE(log0.find("stopped by signal"), std::string::npos) << log0;
  EXPECT_GE(VocoderCheckpointReader(t.run("voc")).meta().step, 2);
}

}  // namespace
}  // namespace audiogan
