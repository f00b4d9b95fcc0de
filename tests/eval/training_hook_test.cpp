// `train --eval-every`: a real tiny training run evaluates its epoch checkpoints, logs the
// figures to metrics.jsonl and keeps the lowest-FD checkpoint as best.pt, across a resume.
#include "eval/training_hook.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "../train/train_fixture.h"
#include "train/run_dir.h"
#include "infer/sampler.h"
#include "train/trainer.h"

namespace audiogan {
namespace {

namespace fs = std::filesystem;
using train_testing::TinyRun;

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TrainerOptions options_with_hook(const TinyRun& t, const Config& config) {
  TrainerOptions o;
  o.config = config;
  o.data_root = t.data();
  o.cache_dir = t.cache();
  o.run_dir = t.run();
  o.monitor_per_class = 2;
  o.griffin_lim_iterations = 2;
  eval::QuickEvalHookOptions quick;
  quick.data_root = t.data();
  quick.cache_dir = t.cache();
  quick.threads = 1;
  // A small classifier: the test checks the bookkeeping, not the classifier's quality.
  quick.classifier.model.width = 8;
  quick.classifier.model.blocks = 3;
  quick.classifier.model.embedding = 32;
  quick.classifier.epochs = 2;
  quick.classifier.min_steps = 20;
  quick.classifier.batch = 8;
  quick.classifier.max_shift_frames = 2;
  quick.evaluation = eval::quick_options(config.train.seed);
  quick.evaluation.count_per_class = 4;
  quick.evaluation.griffin_lim.iterations = 2;
  o.evaluate = eval::make_quick_eval_hook(quick);
  return o;
}

TEST(QuickEvalHook, LogsEveryEvaluationAndKeepsTheLowestFdCheckpointAcrossAResume) {
  TinyRun t;
  ASSERT_TRUE(t.make_dataset(8)) << TinyRun::missing_data_message();
  Config config = TinyRun::small_config("default");
  config.train.epochs = 3;
  config.train.eval_every = 1;
  config.train.keep_checkpoints = 10;
  train(options_with_hook(t, config));

  // Resume for one more epoch with a fresh hook: best.json carries the best FD over.
  ResumeInfo info = read_resume_info(t.run());
  info.config.train.epochs = 4;
  TrainerOptions resumed = options_with_hook(t, info.config);
  resumed.resume = true;
  train(resumed);

  const RunDir run{t.run()};
  const auto lines = read_json_lines(run.metrics());
  ASSERT_EQ(lines.size(), 4u);
  double lowest = std::numeric_limits<double>::infinity();
  int64_t lowest_epoch = 0;
  for (const auto& line : lines) {
    ASSERT_TRUE(line.contains("eval")) << line.dump();
    const auto& e = line.at("eval");
    ASSERT_TRUE(e.at("fd").is_number()) << e.dump();
    // The share of the 4 x 2 generated clips classified as their class: k/8 exactly (a mean of
    // probabilities or a per-batch average would not be).
    const double accuracy = e.at("conditional_accuracy").get<double>();
    EXPECT_DOUBLE_EQ(accuracy * 8, std::round(accuracy * 8)) << e.dump();
    EXPECT_EQ(e.at("count_per_class").get<int>(), 4);
    EXPECT_EQ(e.at("truncation").get<double>(), Sampler::kDefaultTruncation);  // as evaluate
    const double fd = e.at("fd").get<double>();
    // "best" marks each new lowest, in order, including the resumed epoch.
    EXPECT_EQ(e.at("best").get<bool>(), fd < lowest) << line.at("epoch");
    if (fd < lowest) {
      lowest = fd;
      lowest_epoch = line.at("epoch").get<int64_t>();
    }
  }
  const fs::path dir = fs::path(run.last_checkpoint()).parent_path();
  ASSERT_TRUE(fs::exists(dir / "best.pt"));
  std::ifstream best_json(dir / "best.json");
  const auto best = nlohmann::json::parse(best_json);
  EXPECT_EQ(best.at("epoch").get<int64_t>(), lowest_epoch);
  EXPECT_DOUBLE_EQ(best.at("fd").get<double>(), lowest);
  EXPECT_EQ(bytes_of((dir / "best.pt").string()), bytes_of(run.epoch_checkpoint(lowest_epoch)));
}

}  // namespace
}  // namespace audiogan
