// Confusion matrix and conditional accuracy.
#include "eval/confusion.h"

#include <gtest/gtest.h>

#include <cmath>

namespace audiogan::eval {
namespace {

TEST(Confusion, RowsSumToTheCountsAndAccuraciesFollowTheDiagonal) {
  const torch::Tensor intended = torch::tensor({0, 0, 0, 1, 1, 2}, torch::kInt64);
  const torch::Tensor predicted = torch::tensor({0, 0, 1, 1, 2, 2}, torch::kInt64);
  const Confusion c = confusion(intended, predicted, 4);
  const torch::Tensor rows = c.matrix.sum(1);
  EXPECT_EQ(rows[0].item<int64_t>(), 3);
  EXPECT_EQ(rows[1].item<int64_t>(), 2);
  EXPECT_EQ(rows[2].item<int64_t>(), 1);
  EXPECT_EQ(c.counts[1], 2);
  EXPECT_EQ(c.matrix[0][1].item<int64_t>(), 1);
  EXPECT_NEAR(c.per_class[0], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(c.per_class[1], 0.5, 1e-12);
  EXPECT_NEAR(c.per_class[2], 1.0, 1e-12);
  EXPECT_TRUE(std::isnan(c.per_class[3]));
  EXPECT_NEAR(c.overall, 4.0 / 6.0, 1e-12);
}

TEST(Confusion, RejectsLabelsOutOfRange) {
  EXPECT_THROW(
      confusion(torch::tensor({0, 3}, torch::kInt64), torch::tensor({0, 1}, torch::kInt64), 3),
      std::exception);
}

}  // namespace
}  // namespace audiogan::eval
