// The GAN step: the mode-seeking term (label pairing, the penalty's value) and variable-length
// batches, where what lies past a clip's length must not matter.
#include "train/gan_step.h"

#include <gtest/gtest.h>

#include <cmath>

#include "model/gan_models.h"

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

// A variable-length GAN, its weights drawn from `seed`.
GanNets variable_length_nets(uint64_t seed) {
  ModelSpec spec;
  spec.arch = "default";
  spec.num_classes = 2;
  spec.latent = 8;
  spec.width = 4;
  spec.n_mels = 16;
  spec.frames = 64;
  spec.variable_length = true;
  torch::manual_seed(seed);
  GanNets nets;
  nets.g = make_generator(spec);
  nets.d = make_discriminator(spec);
  auto adam = [](std::vector<torch::Tensor> params) {
    return std::make_unique<torch::optim::Adam>(
        params, torch::optim::AdamOptions(2e-4).betas({0.5, 0.999}));
  };
  nets.opt_g = adam(nets.g->parameters());
  nets.opt_d = adam(nets.d->parameters());
  return nets;
}

// Every parameter and buffer of G and D, concatenated.
torch::Tensor all_state(const GanNets& nets) {
  std::vector<torch::Tensor> parts;
  for (const auto* m : {static_cast<const torch::nn::Module*>(nets.g.get()),
                        static_cast<const torch::nn::Module*>(nets.d.get())}) {
    for (const auto& p : m->parameters()) parts.push_back(p.detach().flatten());
    for (const auto& b : m->buffers()) parts.push_back(b.detach().to(torch::kFloat).flatten());
  }
  return torch::cat(parts);
}

TEST(VariableLengthStep, WhatLiesPastAClipsLengthChangesNothing) {
  const auto labels = torch::tensor({0, 1, 0, 1}, torch::kLong);
  const auto frames = torch::tensor({20, 48, 33, 48}, torch::kLong);
  torch::manual_seed(5);
  const auto z = torch::randn({4, 8});
  auto real = torch::rand({4, 1, 16, 48}) * 2 - 1;
  // The same clips with other values past each length (a neighbour's tail, noise).
  auto other = real.clone();
  other[0].narrow(2, 20, 28).uniform_(-1, 1);
  other[2].narrow(2, 33, 15).fill_(0.7);
  auto train_once = [&](const torch::Tensor& batch) {
    GanNets nets = variable_length_nets(11);
    MicroBatch m;
    m.real = batch;
    m.labels = labels;
    m.z = z;
    m.frames = frames;
    torch::manual_seed(6);
    const StepStats stats = gan_step(nets, GanLoss::Bce, Precision{}, {m}, 0.5);
    EXPECT_TRUE(std::isfinite(stats.loss_d) && std::isfinite(stats.loss_g));
    return all_state(nets);
  };
  const auto before = all_state(variable_length_nets(11));
  const auto a = train_once(real);
  const auto b = train_once(other);
  EXPECT_GT((a - before).abs().max().item<float>(), 0.f) << "the step trained";
  EXPECT_TRUE(torch::equal(a, b)) << "padding reached the update";
  // Changing a real frame inside a clip does change the update.
  auto inside = real.clone();
  inside[1].narrow(2, 10, 1).fill_(0.9);
  EXPECT_FALSE(torch::equal(a, train_once(inside)));
}

}  // namespace
}  // namespace audiogan
