// One GAN step (see gan_step.h).
#include "train/gan_step.h"

#include <optional>

#include "model/autocast.h"

namespace audiogan {

StepStats gan_step(GanNets& nets, GanLoss loss, const Precision& precision,
                   const torch::Tensor& real, const torch::Tensor& labels, const torch::Tensor& z) {
  StepStats stats;
  const auto device_type = real.device().type();
  torch::Tensor fake;  // [B, 1, n_mels, frames]

  // D step: maximise log D(x) + log(1 - D(G(z))) (or the hinge margins).
  nets.opt_d->zero_grad();
  torch::Tensor loss_d, real_logits, fake_logits;
  {
    // No scope at all in fp32: autocast rejects a float32 target dtype.
    std::optional<AutocastScope> autocast;
    if (precision.autocast) autocast.emplace(device_type, true, precision.dtype);
    real_logits = nets.d->forward(real, labels);
    fake = nets.g->forward(z, labels);
    fake_logits = nets.d->forward(fake.detach(), labels);
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
    loss_g = generator_loss(loss, nets.d->forward(fake, labels));
  }
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
