// One GAN training step in the shape of pytorch/examples dcgan: D (zero_grad, loss on real, loss
// on detached generated samples, step), then G (zero_grad, D's verdict on the same samples,
// step), with optional autocast and dynamic loss scaling.
#pragma once

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
StepStats gan_step(GanNets& nets, GanLoss loss, const Precision& precision,
                   const torch::Tensor& real, const torch::Tensor& labels, const torch::Tensor& z);

}  // namespace audiogan
