// One GAN step (see gan_step.h).
#include "train/gan_step.h"

#include <optional>

#include "model/autocast.h"

namespace audiogan {

torch::Tensor paired_labels(const torch::Tensor& labels) {
  const int64_t half = labels.size(0) / 2;
  if (half == 0) return labels;
  const auto first = labels.narrow(0, 0, half);
  return torch::cat({first, first, labels.narrow(0, 2 * half, labels.size(0) - 2 * half)});
}

torch::Tensor mode_seeking_penalty(const torch::Tensor& fake, const torch::Tensor& z) {
  const int64_t half = fake.size(0) / 2;
  const auto x = fake.to(torch::kFloat);
  const auto image_distance = (x.narrow(0, 0, half) - x.narrow(0, half, half)).abs().mean();
  const auto latent_distance = (z.narrow(0, 0, half) - z.narrow(0, half, half)).abs().mean();
  return 1.0 / (image_distance / latent_distance + 1e-5);
}

StepStats gan_step(GanNets& nets, GanLoss loss, const Precision& precision,
                   const torch::Tensor& real, const torch::Tensor& labels, const torch::Tensor& z,
                   double mode_seeking, const DiscriminatorInput& for_d) {
  StepStats stats;
  const bool seek = mode_seeking > 0 && labels.size(0) >= 2;
  // D judges every generated sample with the label it was generated for.
  const torch::Tensor fake_labels = seek ? paired_labels(labels) : labels;
  const auto device_type = real.device().type();
  torch::Tensor fake;        // [B, 1, n_mels, frames]
  torch::Tensor fake_for_d;  // what D sees of it

  // D step: maximise log D(x) + log(1 - D(G(z))) (or the hinge margins).
  nets.opt_d->zero_grad();
  torch::Tensor loss_d, real_logits, fake_logits;
  {
    // No scope at all in fp32: autocast rejects a float32 target dtype.
    std::optional<AutocastScope> autocast;
    if (precision.autocast) autocast.emplace(device_type, true, precision.dtype);
    real_logits = nets.d->forward(for_d ? for_d(real) : real, labels);
    fake = nets.g->forward(z, fake_labels);
    fake_for_d = for_d ? for_d(fake) : fake;
    fake_logits = nets.d->forward(fake_for_d.detach(), fake_labels);
    loss_d = discriminator_loss(loss, real_logits, fake_logits);
  }
  nets.scaler_d.scale(loss_d).backward();
  const bool stepped_d = nets.scaler_d.step(*nets.opt_d);
  nets.scaler_d.update();

  // G step: D's verdict on the same samples, after D's update.
  nets.opt_g->zero_grad();
  torch::Tensor loss_g;
  {
    std::optional<AutocastScope> autocast;
    if (precision.autocast) autocast.emplace(device_type, true, precision.dtype);
    loss_g = generator_loss(loss, nets.d->forward(fake_for_d, fake_labels));
  }
  if (seek) loss_g = loss_g + mode_seeking * mode_seeking_penalty(fake, z);
  nets.scaler_g.scale(loss_g).backward();
  const bool stepped_g = nets.scaler_g.step(*nets.opt_g);
  nets.scaler_g.update();

  stats.loss_d = loss_d.item<double>();
  stats.loss_g = loss_g.item<double>();
  stats.d_real = mean_probability(real_logits);
  stats.d_fake = mean_probability(fake_logits);
  stats.skipped = !stepped_d || !stepped_g;
  return stats;
}

}  // namespace audiogan
