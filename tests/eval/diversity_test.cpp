// Diversity and the mode-collapse flag.
#include "eval/diversity.h"

#include <gtest/gtest.h>

namespace audiogan::eval {
namespace {

TEST(Diversity, MeanPairwiseDistanceOfATriangleIsTheMeanSide) {
  const torch::Tensor x = torch::tensor({{0.0, 0.0}, {3.0, 0.0}, {0.0, 4.0}});
  EXPECT_NEAR(mean_pairwise_distance(x), 4.0, 1e-6);  // sides 3, 4, 5
}

TEST(Diversity, IdenticalSamplesHaveZeroDiversityAndFlagCollapse) {
  const torch::Tensor same = torch::ones({10, 8});
  EXPECT_DOUBLE_EQ(mean_pairwise_distance(same), 0.0);
  EXPECT_DOUBLE_EQ(mean_pairwise_distance(torch::ones({1, 8})), 0.0);
  EXPECT_TRUE(is_mode_collapse(0.0, 2.0));
  EXPECT_TRUE(is_mode_collapse(0.9, 2.0));
  EXPECT_FALSE(is_mode_collapse(1.1, 2.0));
}

}  // namespace
}  // namespace audiogan::eval
