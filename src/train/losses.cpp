// GAN losses (see losses.h).
#include "train/losses.h"

#include "core/error.h"

namespace audiogan {

GanLoss parse_gan_loss(const std::string& name) {
  if (name == "bce") return GanLoss::Bce;
  if (name == "hinge") return GanLoss::Hinge;
  if (name == "wgan-gp") return GanLoss::WganGp;
  throw ConfigError("train: --loss expected {bce, hinge, wgan-gp}, got '" + name + "'");
}

std::string to_string(GanLoss loss) {
  switch (loss) {
    case GanLoss::Bce:
      return "bce";
    case GanLoss::Hinge:
      return "hinge";
    case GanLoss::WganGp:
      return "wgan-gp";
  }
  return "";
}

torch::Tensor discriminator_loss(GanLoss loss, const torch::Tensor& real_logits,
                                 const torch::Tensor& fake_logits) {
  auto real = real_logits.to(torch::kFloat);
  auto fake = fake_logits.to(torch::kFloat);
  if (loss == GanLoss::Bce) {
    // Real targets 1, fake targets 0, as the dcgan example's two BCE terms.
    return torch::binary_cross_entropy_with_logits(real, torch::ones_like(real)) +
           torch::binary_cross_entropy_with_logits(fake, torch::zeros_like(fake));
  }
  if (loss == GanLoss::WganGp) return fake.mean() - real.mean();
  return torch::relu(1.0 - real).mean() + torch::relu(1.0 + fake).mean();
}

torch::Tensor generator_loss(GanLoss loss, const torch::Tensor& fake_logits) {
  auto fake = fake_logits.to(torch::kFloat);
  if (loss == GanLoss::Bce) {
    return torch::binary_cross_entropy_with_logits(fake, torch::ones_like(fake));
  }
  return -fake.mean();
}

double mean_probability(const torch::Tensor& logits) {
  return torch::sigmoid(logits.detach().to(torch::kFloat)).mean().item<double>();
}

}  // namespace audiogan
