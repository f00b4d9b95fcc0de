// ParallelRun's pure helpers: where a resumed epoch continues at another global batch, and when
// per-rank BatchNorm statistics come from too few samples to leave unsaid.
#include "train/parallel_run.h"

#include <gtest/gtest.h>

namespace audiogan {
namespace {

TEST(ResumeStepInEpoch, ContinuesAtTheFirstStepWithNoSampleTakenTwice) {
  EXPECT_EQ(resume_step_in_epoch(5, 32, 32), 5);   // same global batch: same step
  EXPECT_EQ(resume_step_in_epoch(5, 64, 32), 10);  // 2 ranks -> 1: twice the steps
  EXPECT_EQ(resume_step_in_epoch(5, 32, 64), 3);   // 160 samples taken: step 3 starts at 192
  EXPECT_EQ(resume_step_in_epoch(0, 32, 64), 0);
}

TEST(PerRankBatchNormWarning, OnlyForSeveralMicroBatchesOfFewSamples) {
  EXPECT_EQ(per_rank_batch_norm_warning(8, 1), "");  // one process: the global batch itself
  EXPECT_EQ(per_rank_batch_norm_warning(kSmallestBatchNormBatch, 4), "");
  EXPECT_EQ(per_rank_batch_norm_warning(32, 8), "");
  const std::string warning = per_rank_batch_norm_warning(8, 4);
  EXPECT_NE(warning.find("--batch 8"), std::string::npos) << warning;
  EXPECT_NE(warning.find("global batch of 32"), std::string::npos) << warning;
  EXPECT_NE(warning.find("docs/training.md"), std::string::npos) << warning;
}

}  // namespace
}  // namespace audiogan
