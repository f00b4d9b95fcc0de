// WGAN-GP's gradient penalty against finite differences and a critic that is exactly 1-Lipschitz,
// and the critic-only step of gan_step.
#include <gtest/gtest.h>

#include "model/gan_models.h"
#include "train/gan_step.h"
#include "train/gradient_penalty.h"

namespace audiogan {
namespace {

// A small nonlinear critic: sum(tanh(x W^T + b) * v) per sample, x [B, 6].
struct TinyCritic {
  torch::Tensor w = torch::randn({5, 6}, torch::kDouble) * 0.7;
  torch::Tensor b = torch::randn({5}, torch::kDouble) * 0.1;
  torch::Tensor v = torch::randn({5}, torch::kDouble);
  torch::Tensor operator()(const torch::Tensor& x) const {
    return (torch::tanh(torch::matmul(x.to(torch::kDouble), w.t()) + b) * v).sum(1, true);
  }
};

TEST(GradientPenalty, EqualsAFiniteDifferenceEstimate) {
  torch::manual_seed(5);
  TinyCritic critic;
  const auto real = torch::randn({4, 6});
  const auto fake = torch::randn({4, 6});
  const auto eps = torch::tensor({0.1f, 0.4f, 0.7f, 0.95f});
  const double penalty = gradient_penalty(critic, real, fake, eps).item<double>();

  // Central differences of the critic at each interpolate, in double precision.
  const auto x_hat = (eps.view({4, 1}) * real + (1 - eps.view({4, 1})) * fake).to(torch::kDouble);
  double expected = 0;
  const double h = 1e-5;
  for (int64_t i = 0; i < 4; ++i) {
    double squared = 0;
    for (int64_t j = 0; j < 6; ++j) {
      auto up = x_hat[i].clone().unsqueeze(0), down = x_hat[i].clone().unsqueeze(0);
      up[0][j] += h;
      down[0][j] -= h;
      const double g = (critic(up).item<double>() - critic(down).item<double>()) / (2 * h);
      squared += g * g;
    }
    expected += std::pow(std::sqrt(squared) - 1.0, 2) / 4;
  }
  EXPECT_NEAR(penalty, expected, 1e-4 * std::max(1.0, expected));  // float32 vs double
  EXPECT_GT(expected, 1e-3);                                       // the case is not trivially zero
}

TEST(GradientPenalty, IsZeroForACriticThatIsExactly1LipschitzAlongTheLine) {
  torch::manual_seed(6);
  auto w = torch::randn({6});
  w = w / w.norm();
  const auto linear = [&](const torch::Tensor& x) { return torch::matmul(x, w).unsqueeze(1); };
  const auto penalty =
      gradient_penalty(linear, torch::randn({8, 6}), torch::randn({8, 6}), torch::rand({8}));
  EXPECT_NEAR(penalty.item<double>(), 0.0, 1e-10);
  // Twice the weight: ||grad|| = 2 everywhere, so the penalty is exactly 1.
  const auto doubled = [&](const torch::Tensor& x) { return 2 * linear(x); };
  EXPECT_NEAR(
      gradient_penalty(doubled, torch::randn({8, 6}), torch::randn({8, 6}), torch::rand({8}))
          .item<double>(),
      1.0, 1e-5);
}

TEST(GradientPenalty, BackpropagatesIntoTheCriticsParameters) {
  torch::manual_seed(7);
  auto w = (torch::randn({6}) * 3).requires_grad_(true);
  const auto linear = [&](const torch::Tensor& x) { return torch::matmul(x, w).unsqueeze(1); };
  gradient_penalty(linear, torch::randn({8, 6}), torch::randn({8, 6}), torch::rand({8})).backward();
  // d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w||.
  const auto n = w.detach().norm();
  EXPECT_TRUE(torch::allclose(w.grad(), 2 * (n - 1) * w.detach() / n, 1e-4, 1e-5));
}

GanNets tiny_nets(const std::string& arch) {
  ModelSpec spec;
  spec.arch = arch;
  spec.num_classes = 2;
  spec.latent = 8;
  spec.width = 2;
  spec.n_mels = 32;  // the seed D's patch head needs n_mels/16 >= 2
  spec.frames = 32;
  torch::manual_seed(3);
  GanNets nets;
  nets.g = make_generator(spec);
  nets.d = make_discriminator(spec);
  nets.opt_g =
      std::make_unique<torch::optim::Adam>(nets.g->parameters(), torch::optim::AdamOptions(1e-3));
  nets.opt_d =
      std::make_unique<torch::optim::Adam>(nets.d->parameters(), torch::optim::AdamOptions(1e-3));
  GradScalerOptions fp32;  // as the trainer outside fp16: no loss scaling
  fp32.enabled = false;
  nets.scaler_g = GradScaler(fp32);
  nets.scaler_d = GradScaler(fp32);
  return nets;
}

torch::Tensor flat(torch::nn::Module& module) {
  std::vector<torch::Tensor> parts;
  for (const auto& p : module.parameters()) parts.push_back(p.detach().flatten().clone());
  return torch::cat(parts);
}

// A critic-only step moves D and leaves G's weights alone; a full step moves both. The penalty
// is reported, and it is finite through both architectures' double backward.
TEST(GanStep, CriticOnlyStepsLeaveGAloneUnderWganGp) {
  for (const char* arch : {"seed", "default"}) {
    auto nets = tiny_nets(arch);
    const auto real = torch::rand({4, 1, 32, 32}) * 2 - 1;
    const auto labels = torch::tensor({0, 1, 0, 1}, torch::kLong);
    const auto g0 = flat(*nets.g), d0 = flat(*nets.d);
    CriticOptions critic;
    critic.update_g = false;
    critic.drift = 0.001;
    Precision fp32;
    auto stats = gan_step(nets, GanLoss::WganGp, fp32, real, labels, torch::randn({4, 8}),
                          /*mode_seeking=*/1.0, {}, critic);
    EXPECT_FALSE(stats.updated_g);
    EXPECT_TRUE(torch::equal(flat(*nets.g), g0)) << arch;
    EXPECT_FALSE(torch::equal(flat(*nets.d), d0)) << arch;
    EXPECT_GT(stats.gradient_penalty, 0.0) << arch;
    EXPECT_TRUE(std::isfinite(stats.loss_d)) << arch;
    critic.update_g = true;
    stats =
        gan_step(nets, GanLoss::WganGp, fp32, real, labels, torch::randn({4, 8}), 1.0, {}, critic);
    EXPECT_TRUE(stats.updated_g);
    EXPECT_FALSE(torch::equal(flat(*nets.g), g0)) << arch;
    EXPECT_TRUE(std::isfinite(stats.loss_g)) << arch;
  }
}

// Without loss scaling, a NaN loss skips the update instead of writing NaN into the weights.
TEST(GanStep, ANonFiniteLossSkipsTheUpdate) {
  auto nets = tiny_nets("default");
  auto real = torch::rand({4, 1, 32, 32}) * 2 - 1;
  real[1][0][3][3] = std::nan("");
  const auto d0 = flat(*nets.d);
  const auto stats = gan_step(nets, GanLoss::Hinge, Precision{}, real,
                              torch::tensor({0, 1, 0, 1}, torch::kLong), torch::randn({4, 8}));
  EXPECT_TRUE(stats.non_finite);
  EXPECT_FALSE(stats.skipped);  // that flag is the fp16 scaler's
  EXPECT_TRUE(torch::equal(flat(*nets.d), d0));
  EXPECT_TRUE(torch::isfinite(flat(*nets.g)).all().item<bool>());
  // A clean batch afterwards steps as usual.
  const auto clean = gan_step(nets, GanLoss::Hinge, Precision{}, torch::rand({4, 1, 32, 32}),
                              torch::tensor({0, 1, 0, 1}, torch::kLong), torch::randn({4, 8}));
  EXPECT_FALSE(clean.non_finite);
  EXPECT_FALSE(torch::equal(flat(*nets.d), d0));
}

TEST(GanStep, PairedRowsMatchPairedLabels) {
  const auto labels = torch::tensor({3, 1, 4, 1, 5}, torch::kLong);
  const auto rows = paired_rows(5);
  EXPECT_TRUE(torch::equal(rows, torch::tensor({0, 1, 0, 1, 4}, torch::kLong)));
  EXPECT_TRUE(torch::equal(paired_labels(labels), labels.index_select(0, rows)));
}

}  // namespace
}  // namespace audiogan
