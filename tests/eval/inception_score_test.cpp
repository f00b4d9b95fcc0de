// Inception Score on predictions with known scores.
#include "eval/inception_score.h"

#include <gtest/gtest.h>

namespace audiogan::eval {
namespace {

TEST(InceptionScore, UniformPredictionsScoreOne) {
  const torch::Tensor p = torch::full({64, 10}, 0.1);
  EXPECT_NEAR(inception_score(p).mean, 1.0, 1e-12);
}

TEST(InceptionScore, ConfidentBalancedPredictionsScoreTheClassCount) {
  const int classes = 7;
  const torch::Tensor labels = torch::arange(70) % classes;
  const torch::Tensor p = torch::one_hot(labels, classes).to(torch::kFloat32);
  EXPECT_NEAR(inception_score(p).mean, 7.0, 1e-9);
  const InceptionScore split = inception_score(p, /*splits=*/5);
  EXPECT_EQ(split.splits, 5);
  EXPECT_NEAR(split.mean, 7.0, 1e-9);
  EXPECT_NEAR(split.std, 0.0, 1e-9);
}

TEST(InceptionScore, ConfidentButCollapsedPredictionsScoreOne) {
  const torch::Tensor p = torch::one_hot(torch::zeros({20}, torch::kInt64), 5).to(torch::kFloat64);
  EXPECT_NEAR(inception_score(p).mean, 1.0, 1e-12);
}

TEST(InceptionScore, MatchesANaiveComputation) {
  torch::manual_seed(5);
  const torch::Tensor p = torch::softmax(torch::randn({30, 4}, torch::kFloat64) * 2, 1);
  const torch::Tensor py = p.mean(0);
  double kl = 0;
  for (int i = 0; i < 30; ++i)
    for (int c = 0; c < 4; ++c) {
      const double v = p[i][c].item<double>();
      kl += v * std::log(v / py[c].item<double>());
    }
  EXPECT_NEAR(inception_score(p).mean, std::exp(kl / 30), 1e-12);
}

TEST(InceptionScore, RejectsAnEmptyInput) {
  EXPECT_THROW(inception_score(torch::zeros({0, 3})), std::exception);
}

}  // namespace
}  // namespace audiogan::eval
