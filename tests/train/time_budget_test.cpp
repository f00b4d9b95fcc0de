// --time-budget, the stop `make run` relies on: the run ends on the budget (not on epochs or
// steps), writes a checkpoint holding its last step, and a resumed run gets a budget of its own.
#include <gtest/gtest.h>

#include <chrono>

#include "train/trainer.h"
#include "train_fixture.h"

namespace audiogan {
namespace {

using train_testing::TinyRun;

TEST(TrainerTimeBudget, StopsOnTheBudgetWithACheckpointOfItsLastStepAndResumes) {
  TinyRun t;
  ASSERT_TRUE(t.make_dataset()) << TinyRun::missing_data_message();
  Config config = TinyRun::small_config("seed");
  config.train.epochs = 1000000;
  // A net in case the budget were ignored: far more steps than 2 s allow, so hitting it fails.
  config.train.max_steps = 100000;
  config.train.time_budget_s = 2.0;
  TrainerOptions o;
  o.config = config;
  o.data_root = t.data();
  o.cache_dir = t.cache();
  o.run_dir = t.run();
  o.epoch_outputs = false;
  o.monitor_per_class = 2;

  const auto start = std::chrono::steady_clock::now();
  const TrainResult first = train(o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(first.stopped_by, "time_budget");
  EXPECT_GE(seconds, config.train.time_budget_s);
  // One step and a checkpoint past the budget, with room for a loaded 2-core machine.
  EXPECT_LT(seconds, config.train.time_budget_s + 60.0);
  EXPECT_GT(first.step, 0);
  EXPECT_LT(first.step, config.train.max_steps);
  const ResumeInfo saved = read_resume_info(t.run());
  EXPECT_EQ(saved.step, first.step) << "the budget stop must checkpoint its last step";

  // The resumed process has its own budget (and may be given a new one, as --resume allows).
  TrainerOptions again = o;
  again.config = saved.config;
  again.config.train.time_budget_s = 1.0;
  again.resume = true;
  const TrainResult second = train(again);
  EXPECT_EQ(second.stopped_by, "time_budget");
  EXPECT_GT(second.step, first.step);
  EXPECT_EQ(read_resume_info(t.run()).step, second.step);
}

}  // namespace
}  // namespace audiogan
