// One GAN step (see gan_step.h).
#include "train/gan_step.h"

#include <cmath>
#include <optional>

#include "model/autocast.h"
#include "model/clip_length.h"
#include "train/buffer_snapshot.h"
#include "train/gradient_penalty.h"

namespace audiogan {

torch::Tensor paired_rows(int64_t batch) {
  const int64_t half = batch / 2;
  const auto first = torch::arange(half, torch::kLong);
  return torch::cat({first, first, torch::arange(2 * half, batch, torch::kLong)});
}

torch::Tensor paired_labels(const torch::Tensor& labels) {
  if (labels.size(0) < 2) return labels;
  return labels.index_select(0, paired_rows(labels.size(0)).to(labels.device()));
}

torch::Tensor mode_seeking_penalty(const torch::Tensor& fake, const torch::Tensor& z) {
  const int64_t half = fake.size(0) / 2;
  const auto x = fake.to(torch::kFloat);
  const auto image_distance = (x.narrow(0, 0, half) - x.narrow(0, half, half)).abs().mean();
  const auto latent_distance = (z.narrow(0, 0, half) - z.narrow(0, half, half)).abs().mean();
  return 1.0 / (image_distance / latent_distance + 1e-5);
}

namespace {

// Whether `loss` and every gradient of `module` are finite (one reduction per parameter; the
// step's .item() calls synchronise anyway).
bool all_finite(const torch::Tensor& loss, torch::nn::Module& module) {
  if (!std::isfinite(loss.item<double>())) return false;
  for (const auto& p : module.parameters()) {
    if (p.grad().defined() && !torch::isfinite(p.grad()).all().item<bool>()) return false;
  }
  return true;
}

// The optimiser step of one net, unless its loss or gradients are not finite and no loss scaler
// is there to handle that (see StepStats::non_finite).
bool step_if_finite(const torch::Tensor& loss, torch::nn::Module& module,
                    torch::optim::Optimizer& optimizer, GradScaler& scaler, bool& non_finite) {
  if (!scaler.enabled() && !all_finite(loss, module)) {
    optimizer.zero_grad();
    non_finite = true;
    return false;
  }
  const bool stepped = scaler.step(optimizer);
  scaler.update();
  return stepped;
}

// lambda * E[(||grad D(x_hat)|| - 1)^2] between the D inputs of the real and generated samples
// (after augmentation, so the penalty holds where D is evaluated), each generated sample paired
// with a real one of its class. D runs in eval mode for it: the same weights and normalisation,
// but the extra forward does not advance the spectral norm's power iteration.
torch::Tensor critic_penalty(GanNets& nets, const torch::Tensor& real_for_d,
                             const torch::Tensor& fake_for_d, const torch::Tensor& fake_labels,
                             bool paired, const CriticOptions& critic, double& raw) {
  const int64_t batch = fake_for_d.size(0);
  const auto real_rows =
      paired ? real_for_d.index_select(0, paired_rows(batch).to(real_for_d.device())) : real_for_d;
  const auto eps = critic.rng.defined() ? torch::rand({batch}, critic.rng, torch::kFloat)
                                        : torch::rand({batch}, torch::kFloat);
  const bool was_training = nets.d->is_training();
  nets.d->eval();
  const auto penalty =
      gradient_penalty([&](const torch::Tensor& x) { return nets.d->forward(x, fake_labels); },
                       real_rows, fake_for_d, eps);
  nets.d->train(was_training);
  raw = penalty.item<double>();
  return critic.gp_weight * penalty;
}

// The buffers of one net over the micro-batches of a step: each micro-batch after the first
// starts from the step's buffers, and the step ends with the first micro-batch's, so that
// spectral norm's power iteration advances once per step and BatchNorm's running statistics
// are one micro-batch's, as on each data-parallel rank (rank 0's are the ones saved).
class StepBuffers {
 public:
  StepBuffers(torch::nn::Module& module, size_t micro_batches)
      : module_(module), active_(micro_batches > 1) {
    if (active_) start_ = BufferSnapshot(module_);
  }
  void before(size_t k) {
    if (active_ && k > 0) start_.restore(module_);
  }
  void after(size_t k) {
    if (active_ && k == 0) first_ = BufferSnapshot(module_);
  }
  void finish() {
    if (active_) first_.restore(module_);
  }

 private:
  torch::nn::Module& module_;
  bool active_;
  BufferSnapshot start_, first_;
};

}  // namespace

StepStats gan_step(GanNets& nets, GanLoss loss, const Precision& precision,
                   const torch::Tensor& real, const torch::Tensor& labels, const torch::Tensor& z,
                   double mode_seeking, const DiscriminatorInput& for_d,
                   const CriticOptions& critic) {
  return gan_step(nets, loss, precision,
                  std::vector<MicroBatch>{MicroBatch{real, labels, z, for_d, critic.rng, {}}},
                  mode_seeking, critic);
}

StepStats gan_step(GanNets& nets, GanLoss loss, const Precision& precision,
                   const std::vector<MicroBatch>& micro, double mode_seeking,
                   const CriticOptions& critic_options) {
  TORCH_CHECK(!micro.empty(), "gan_step: expected at least one micro-batch, got none");
  const size_t n = micro.size();
  // Each micro-batch's loss is weighted 1/K, so the summed gradients are their mean, as the
  // average over K data-parallel ranks is; one micro-batch is left unscaled (bit-identical).
  const auto share = [n](const torch::Tensor& value) {
    return n > 1 ? value / static_cast<double>(n) : value;
  };
  StepStats stats;
  stats.updated_g = critic_options.update_g;
  const auto device_type = micro.front().real.device().type();
  struct Pass {
    bool seek = false;
    torch::Tensor fake_labels;  // D judges every generated sample with the label it was made for
    torch::Tensor fake;         // [B, 1, n_mels, frames]
    torch::Tensor fake_for_d;   // what D sees of it
  };
  std::vector<Pass> passes(n);

  // D step: maximise log D(x) + log(1 - D(G(z))) (or the hinge margins, or the Wasserstein
  // estimate), summed over the micro-batches before the one update.
  nets.opt_d->zero_grad();
  StepBuffers d_buffers(*nets.d, n), g_buffers(*nets.g, n);
  torch::Tensor loss_d_total;  // sum of the weighted losses: the mean over micro-batches
  double d_real_sum = 0, d_fake_sum = 0, penalty_sum = 0;
  for (size_t k = 0; k < n; ++k) {
    const MicroBatch& m = micro[k];
    Pass& p = passes[k];
    CriticOptions critic = critic_options;
    if (m.rng.defined()) critic.rng = m.rng;
    d_buffers.before(k);
    g_buffers.before(k);
    p.seek = mode_seeking > 0 && m.labels.size(0) >= 2;
    p.fake_labels = p.seek ? paired_labels(m.labels) : m.labels;
    const bool by_length = m.frames.defined();
    const torch::Tensor real = by_length ? silence_after(m.real, m.frames, -1.0) : m.real;
    const torch::Tensor fake_frames =
        !by_length || !p.seek
            ? m.frames
            : m.frames.index_select(0, paired_rows(m.frames.size(0)).to(m.frames.device()));
    torch::Tensor loss_d, real_logits, fake_logits, real_for_d;
    {
      // No scope at all in fp32: autocast rejects a float32 target dtype.
      std::optional<AutocastScope> autocast;
      if (precision.autocast) autocast.emplace(device_type, true, precision.dtype);
      real_for_d = m.for_d ? m.for_d(real) : real;
      real_logits = nets.d->forward(real_for_d, m.labels);
      {
        // A critic-only step needs G's samples, not their graph.
        torch::AutoGradMode grad_mode(critic.update_g && torch::GradMode::is_enabled());
        p.fake = by_length ? nets.g->forward_frames(m.z, p.fake_labels, fake_frames, real.size(3))
                           : nets.g->forward(m.z, p.fake_labels);
        p.fake_for_d = m.for_d ? m.for_d(p.fake) : p.fake;
      }
      fake_logits = nets.d->forward(p.fake_for_d.detach(), p.fake_labels);
      loss_d = discriminator_loss(loss, real_logits, fake_logits);
    }
    if (loss == GanLoss::WganGp) {
      // In float32 outside the autocast scope (train/gradient_penalty.h).
      if (critic.gp_weight > 0) {
        double raw = 0;
        loss_d = loss_d +
                 critic_penalty(nets, real_for_d, p.fake_for_d, p.fake_labels, p.seek, critic, raw);
        penalty_sum += raw;
      }
      if (critic.drift > 0) {
        loss_d = loss_d + critic.drift * real_logits.to(torch::kFloat).pow(2).mean();
      }
    }
    const auto weighted = share(loss_d);
    nets.scaler_d.scale(weighted).backward();
    d_buffers.after(k);
    g_buffers.after(k);
    loss_d_total = k == 0 ? weighted.detach() : loss_d_total + weighted.detach();
    d_real_sum += mean_probability(real_logits);
    d_fake_sum += mean_probability(fake_logits);
  }
  d_buffers.finish();
  g_buffers.finish();
  if (nets.sync_gradients) nets.sync_gradients(*nets.d);
  const bool stepped_d =
      step_if_finite(loss_d_total, *nets.d, *nets.opt_d, nets.scaler_d, stats.non_finite);

  bool stepped_g = true;
  if (critic_options.update_g) {
    // G step: D's verdict on the same samples, after D's update.
    nets.opt_g->zero_grad();
    StepBuffers d_buffers_g(*nets.d, n);
    torch::Tensor loss_g_total;
    for (size_t k = 0; k < n; ++k) {
      const Pass& p = passes[k];
      d_buffers_g.before(k);
      torch::Tensor loss_g;
      {
        std::optional<AutocastScope> autocast;
        if (precision.autocast) autocast.emplace(device_type, true, precision.dtype);
        loss_g = generator_loss(loss, nets.d->forward(p.fake_for_d, p.fake_labels));
      }
      if (p.seek) loss_g = loss_g + mode_seeking * mode_seeking_penalty(p.fake, micro[k].z);
      const auto weighted = share(loss_g);
      nets.scaler_g.scale(weighted).backward();
      d_buffers_g.after(k);
      loss_g_total = k == 0 ? weighted.detach() : loss_g_total + weighted.detach();
    }
    d_buffers_g.finish();
    if (nets.sync_gradients) nets.sync_gradients(*nets.g);
    stepped_g = step_if_finite(loss_g_total, *nets.g, *nets.opt_g, nets.scaler_g, stats.non_finite);
    stats.loss_g = loss_g_total.item<double>();
  }

  stats.loss_d = loss_d_total.item<double>();
  stats.d_real = d_real_sum / static_cast<double>(n);
  stats.d_fake = d_fake_sum / static_cast<double>(n);
  stats.gradient_penalty = penalty_sum / static_cast<double>(n);
  stats.skipped = (!stepped_d || !stepped_g) && !stats.non_finite;
  return stats;
}

}  // namespace audiogan
