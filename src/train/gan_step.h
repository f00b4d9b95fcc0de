// One GAN training step in the shape of pytorch/examples dcgan: D (zero_grad, loss on real, loss
// on detached generated samples, step), then G (zero_grad, D's verdict on the same samples,
// step), with optional autocast and dynamic loss scaling.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <torch/torch.h>

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
  // Called after each backward, before the optimiser step, with the module whose gradients are
  // ready (data-parallel training averages them across processes here); unset on one process.
  std::function<void(torch::nn::Module&)> sync_gradients;
};

struct StepStats {
  double loss_d = 0;
  double loss_g = 0;            // meaningful only when updated_g
  bool updated_g = true;        // false on a critic-only step (see CriticOptions)
  double gradient_penalty = 0;  // WGAN-GP's E[(||grad D(x_hat)|| - 1)^2], without lambda
  double d_real = 0;            // mean sigmoid of D's logits on real data, "D(x)"
  double d_fake = 0;            // mean sigmoid of D's logits on generated data (D step), "D(G(z))"
  bool skipped = false;         // a scaler skipped a step (non-finite gradients)
  // Without loss scaling (fp32, bf16), a loss or gradient was NaN or Inf: that net's update was
  // skipped, so its weights and optimiser state are those of the step before. (With fp16 loss
  // scaling, non-finite gradients are the scaler's normal signal and show as `skipped`.)
  bool non_finite = false;
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

// How a step treats the critic beyond the loss's own terms.
struct CriticOptions {
  // false: update D only (no G forward graph, no G step), as WGAN-GP does on n_critic - 1 of
  // every n_critic batches. Applies to every loss.
  bool update_g = true;
  // GanLoss::WganGp only: lambda of the gradient penalty (0 turns it off), the weight of Karras
  // et al.'s drift term drift * E[D(real)^2] (0 = none), and the generator the interpolation
  // weights are drawn from (the global one when undefined; the trainer passes its checkpointed
  // one so that a resumed run draws what a straight one would).
  double gp_weight = 10.0;
  double drift = 0.0;
  at::Generator rng;
};

StepStats gan_step(GanNets& nets, GanLoss loss, const Precision& precision,
                   const torch::Tensor& real, const torch::Tensor& labels, const torch::Tensor& z,
                   double mode_seeking = 0.0, const DiscriminatorInput& for_d = {},
                   const CriticOptions& critic = {});

// One micro-batch of a step: gradient accumulation (--accumulate K) and data-parallel training
// run several (docs/training.md).
struct MicroBatch {
  torch::Tensor real;        // [B, 1, n_mels, frames] normalised, on the training device
  torch::Tensor labels;      // [B] int64 on the device
  torch::Tensor z;           // [B, latent] on the device
  DiscriminatorInput for_d;  // as in gan_step, drawing from `rng`; may be unset
  at::Generator rng;         // this micro-batch's draws (WGAN-GP's interpolation weights);
                             // undefined: the critic options' generator
  // Variable-length models: each real clip's length [B] int64 in [1, frames]. The real frames
  // from a clip's length on are replaced by silence before D sees them (whatever the batch held
  // there), and G makes each fake at the length of the real clip of its label. Undefined: every
  // clip the batch's full length (fixed-length models).
  torch::Tensor frames;
};

// gan_step over the K micro-batches of one step: each net's gradients are summed over them with
// every micro-batch's loss weighted 1/K (their mean, as averaging over K data-parallel ranks
// gives), then each net takes its one optimiser step; K = 1 is exactly gan_step. Buffers end as
// after the first micro-batch alone: each later one starts from the buffers the step started
// with, so spectral norm's power iteration advances once per step and BatchNorm's running
// statistics are the first micro-batch's, as on rank 0 of K ranks. The statistics returned are
// the means over the micro-batches.
StepStats gan_step(GanNets& nets, GanLoss loss, const Precision& precision,
                   const std::vector<MicroBatch>& micro, double mode_seeking,
                   const CriticOptions& critic = {});

// Which real sample each generated one pairs with under mode seeking: [0 .. h-1, 0 .. h-1,
// 2h .. B-1] with h = B/2, so that paired_labels(labels) = labels[paired_rows(B)]. WGAN-GP
// interpolates each generated sample with the real one of the same class this way.
torch::Tensor paired_rows(int64_t batch);

// The labels of the generated batch under mode seeking: [l_0 .. l_{h-1}, l_0 .. l_{h-1}, rest]
// with h = B/2 (an odd batch keeps its last label).
torch::Tensor paired_labels(const torch::Tensor& labels);

// The mode-seeking penalty of `fake` [B, ...] generated from `z` [B, latent] with
// paired_labels (see gan_step); computed in float32.
torch::Tensor mode_seeking_penalty(const torch::Tensor& fake, const torch::Tensor& z);

}  // namespace audiogan
