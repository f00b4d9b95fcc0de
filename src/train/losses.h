// GAN losses on discriminator logits. Both are computed in fp32 whatever the autocast dtype.
#pragma once

#include <string>

#include <torch/torch.h>

namespace audiogan {

enum class GanLoss {
  Bce,    // non-saturating BCEWithLogits (the seeds'). ref: pytorch/examples dcgan
  Hinge,  // hinge loss. ref: Lim & Ye 2017, Miyato et al. 2018 (SN-GAN)
  // Wasserstein loss with a gradient penalty on the critic (Gulrajani et al. 2017): the critic's
  // E[D(fake)] - E[D(real)] here, its penalty in train/gradient_penalty.h.
  WganGp,
};

// "bce" | "hinge" | "wgan-gp"; throws ConfigError naming --loss otherwise.
GanLoss parse_gan_loss(const std::string& name);
std::string to_string(GanLoss loss);

// Discriminator loss from logits on real [B, P] and generated [B, P] samples (mean over all).
torch::Tensor discriminator_loss(GanLoss loss, const torch::Tensor& real_logits,
                                 const torch::Tensor& fake_logits);
// Generator loss from the discriminator's logits on generated samples.
torch::Tensor generator_loss(GanLoss loss, const torch::Tensor& fake_logits);
// Mean sigmoid of the logits: the "D(x)" / "D(G(z))" figures of the dcgan example.
double mean_probability(const torch::Tensor& logits);

}  // namespace audiogan
