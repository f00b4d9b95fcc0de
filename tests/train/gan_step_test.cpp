// The mode-seeking term of the GAN step: label pairing and the penalty's value.
#include "train/gan_step.h"

#include <gtest/gtest.h>

#include <cmath>

namespace audiogan {
namespace {

TEST(ModeSeeking, PairsTheSecondHalfWithTheFirstHalfsLabels) {
  const auto labels = torch::tensor({3, 1, 4, 1, 5}, torch::kLong);
  EXPECT_TRUE(torch::equal(paired_labels(labels), torch::tensor({3, 1, 3, 1, 5}, torch::kLong)));
  const auto one = torch::tensor({2}, torch::kLong);
  EXPECT_TRUE(torch::equal(paired_labels(one), one));
}

TEST(ModeSeeking, PenaltyIsTheInverseOfTheDistanceRatio) {
  // Pair (0, 2): images differ by 2 everywhere, latents by 1; pair (1, 3): images by 0,
  // latents by 3. Mean |dx| = (2 + 0) / 2 = 1, mean |dz| = (1 + 3) / 2 = 2 -> 1 / (0.5 + 1e-5).
  auto fake = torch::zeros({4, 1, 2, 2});
  fake[2].fill_(2.0);
  auto z = torch::zeros({4, 3});
  z[2].fill_(1.0);
  z[3].fill_(3.0);
  EXPECT_NEAR(mode_seeking_penalty(fake, z).item<double>(), 1.0 / (0.5 + 1e-5), 1e-6);
  // Identical samples for different latents: the largest penalty, 1e5.
  EXPECT_NEAR(mode_seeking_penalty(torch::ones({4, 1, 2, 2}), z).item<double>(), 1e5, 1.0);
}

TEST(ModeSeeking, PenaltyGradientPushesSamplesOfOneClassApart) {
  auto fake = torch::zeros({2, 1, 1, 2}, torch::requires_grad());
  const auto second = torch::tensor({0.5f, 0.5f}).view({1, 1, 1, 2});
  const auto batch = torch::cat({fake.narrow(0, 0, 1), second});
  const auto z = torch::tensor({0.0f, 1.0f}).view({2, 1});
  mode_seeking_penalty(batch, z).backward();
  // Lowering the penalty means moving the first sample away from the second (downwards).
  EXPECT_GT(fake.grad()[0].sum().item<double>(), 0.0);
}

}  // namespace
}  // namespace audiogan
