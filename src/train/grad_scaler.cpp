// Dynamic loss scaling (see grad_scaler.h). One host synchronisation per step: the inf check.
#include "train/grad_scaler.h"

namespace audiogan {

GradScaler::GradScaler(GradScalerOptions options) : options_(options) {
  state_.scale = options_.init_scale;
}

torch::Tensor GradScaler::scale(const torch::Tensor& loss) const {
  if (!options_.enabled) return loss;
  return loss * state_.scale;
}

void GradScaler::unscale(torch::optim::Optimizer& optimizer) {
  if (!options_.enabled || unscaled_) return;
  torch::NoGradGuard no_grad;
  const double inverse = 1.0 / state_.scale;
  // Accumulate the check on the device; one .item() at the end instead of one per tensor.
  torch::Tensor non_finite;
  for (auto& group : optimizer.param_groups()) {
    for (auto& parameter : group.params()) {
      auto& grad = parameter.mutable_grad();
      if (!grad.defined()) continue;
      auto bad = grad.isfinite().logical_not().any();
      non_finite = non_finite.defined() ? non_finite.logical_or(bad) : bad;
      grad.mul_(inverse);
    }
  }
  found_inf_ = non_finite.defined() && non_finite.item<bool>();
  unscaled_ = true;
}

bool GradScaler::step(torch::optim::Optimizer& optimizer) {
  if (!options_.enabled) {
    optimizer.step();
    return true;
  }
  unscale(optimizer);
  if (found_inf_) return false;
  optimizer.step();
  return true;
}

void GradScaler::update() {
  if (!options_.enabled) return;
  if (found_inf_) {
    state_.scale *= options_.backoff_factor;
    state_.growth_tracker = 0;
  } else if (++state_.growth_tracker >= options_.growth_interval) {
    state_.scale *= options_.growth_factor;
    state_.growth_tracker = 0;
  }
  unscaled_ = false;
  found_inf_ = false;
}

}  // namespace audiogan
