// One GAN training step in the shape of pytorch/examples dcgan: D (zero_grad, loss on real, loss
// on detached generated samples, step), then G (zero_grad, D's verdict on the same samples,
// step), with optional autocast and dynamic loss scaling.
#pragma once

#include <functional>
#include <memory>

#include "model/gan_models.h"
#include "train/grad_scaler.h"
#include "train/losses.h"

namespace audiogan {

struct Precision {
  bool autocast = false;
  at::ScalarType dtype = at::kFloat;  // kBFloat16 on CPU, kHalf on CUDA when autocast
  std::string name = "off";           // {off, bf16, fp16}
};

struct GanNets {
  std::shared_ptr<GeneratorBase> g;
  std::shared_ptr<DiscriminatorBase> d;
  std::unique_ptr<torch::optim::Adam> opt_g;
  std::unique_ptr<torch::optim::Adam> opt_d;
  GradScaler scaler_g;
  GradScaler scaler_d;
};

struct StepStats {
  double loss_d = 0;
  double loss_g = 0;
  double d_real = 0;     // mean sigmoid of D's logits on real data, "D(x)"
  double d_fake = 0;     // mean sigmoid of D's logits on generated data (D step), "D(G(z))"
  bool skipped = false;  // a scaler skipped a step (non-finite gradients)
};

// real [B, 1, n_mels, frames] normalised on the training device, labels [B] int64 on the
// device, z [B, latent] on the device.
// mode_seeking > 0 adds the mode-seeking term (Mao et al. 2019, MSGAN) to G's loss with that
// weight: the generated batch's second half takes the labels of its first half, so sample i and
// i + B/2 share a class but not a latent, and G is penalised by
//   1 / (mean|G(z_i) - G(z_j)| / mean|z_i - z_j| + 1e-5),
// which keeps samples of one class from collapsing onto one sound whatever the latent.
// `for_d`, when set, maps every batch on its way into D (real and generated, in both steps;
// differentiable, see train/augment.h); the mode-seeking term sees G's output as it is.
using DiscriminatorInput = std::function<torch::Tensor(const torch::Tensor&)>;
StepStats gan_step(GanNets& nets, GanLoss loss, const Precision& precision,
                   const torch::Tensor& real, const torch::Tensor& labels, const torch::Tensor& z,
                   double mode_seeking = 0.0, const DiscriminatorInput& for_d = {});

// The labels of the generated batch under mode seeking: [l_0 .. l_{h-1}, l_0 .. l_{h-1}, rest]
// with h = B/2 (an odd batch keeps its last label).
torch::Tensor paired_labels(const torch::Tensor& labels);

// The mode-seeking penalty of `fake` [B, ...] generated from `z` [B, latent] with
// paired_labels (see gan_step); computed in float32.
torch::Tensor mode_seeking_penalty(const torch::Tensor& fake, const torch::Tensor& z);

}  // namespace audiogan
