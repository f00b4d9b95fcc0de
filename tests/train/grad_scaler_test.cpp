// GradScaler: PyTorch GradScaler semantics (skip on inf, back off x0.5, grow x2 after N steps).
#include <gtest/gtest.h>

#include <limits>

#include "train/grad_scaler.h"

namespace audiogan {
namespace {

struct OneParameter {
  torch::Tensor weight = torch::ones({3}, torch::requires_grad());
  torch::optim::SGD sgd{std::vector<torch::Tensor>{weight}, torch::optim::SGDOptions(1.0)};
};

TEST(GradScaler, SkipsTheStepAndHalvesTheScaleOnAnInfiniteGradient) {
  OneParameter p;
  GradScaler scaler(GradScalerOptions{1024.0, 2.0, 0.5, 3, true});
  auto loss = (p.weight * torch::tensor({1.f, std::numeric_limits<float>::infinity(), 1.f})).sum();
  scaler.scale(loss).backward();
  EXPECT_FALSE(scaler.step(p.sgd));
  EXPECT_TRUE(scaler.found_inf());
  scaler.update();
  EXPECT_DOUBLE_EQ(scaler.current_scale(), 512.0);
  EXPECT_TRUE(torch::equal(p.weight.detach(), torch::ones({3})));  // untouched
}

TEST(GradScaler, UnscalesGradientsBeforeTheStep) {
  OneParameter p;
  GradScaler scaler(GradScalerOptions{1024.0, 2.0, 0.5, 3, true});
  auto loss = (p.weight * torch::tensor({1.f, 2.f, 3.f})).sum();
  scaler.scale(loss).backward();
  EXPECT_FLOAT_EQ(p.weight.grad()[2].item<float>(), 3.f * 1024.f);
  EXPECT_TRUE(scaler.step(p.sgd));
  // SGD lr 1 with the true gradient [1, 2, 3].
  EXPECT_TRUE(torch::allclose(p.weight.detach(), torch::tensor({0.f, -1.f, -2.f})));
}

TEST(GradScaler, DoublesTheScaleAfterGrowthIntervalGoodSteps) {
  OneParameter p;
  GradScaler scaler(GradScalerOptions{8.0, 2.0, 0.5, 3, true});
  for (int i = 0; i < 3; ++i) {
    p.sgd.zero_grad();
    scaler.scale(p.weight.sum()).backward();
    scaler.step(p.sgd);
    scaler.update();
    EXPECT_EQ(scaler.current_scale(), i < 2 ? 8.0 : 16.0);
  }
  EXPECT_EQ(scaler.state().growth_tracker, 0);
}

TEST(GradScaler, IsAPassThroughWhenDisabled) {
  OneParameter p;
  GradScalerOptions options;
  options.enabled = false;
  GradScaler scaler(options);
  auto loss = p.weight.sum();
  EXPECT_TRUE(torch::equal(scaler.scale(loss), loss));
  loss.backward();
  EXPECT_TRUE(scaler.step(p.sgd));
  EXPECT_TRUE(torch::allclose(p.weight.detach(), torch::zeros({3})));
}

}  // namespace
}  // namespace audiogan
