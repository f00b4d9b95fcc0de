// Dynamic loss scaling for fp16 training: scale the loss, unscale the gradients before the
// optimizer step, skip steps whose gradients are not finite, back off on overflow and grow after
// a run of good steps. ref: torch.cuda.amp.GradScaler (same defaults and update rule).
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace audiogan {

struct GradScalerOptions {
  double init_scale = 65536.0;     // 2^16, (0,inf)
  double growth_factor = 2.0;      // (1,inf)
  double backoff_factor = 0.5;     // (0,1)
  int64_t growth_interval = 2000;  // good steps before growing, [1,inf)
  bool enabled = true;             // disabled: every call is a pass-through (fp32/bf16 training)
};

// The scaler's saved state (kept in checkpoints).
struct GradScalerState {
  double scale = 65536.0;
  int64_t growth_tracker = 0;  // consecutive steps without inf/NaN
};

class GradScaler {
 public:
  explicit GradScaler(GradScalerOptions options = {});

  bool enabled() const { return options_.enabled; }
  // loss * scale (the loss itself when disabled).
  torch::Tensor scale(const torch::Tensor& loss) const;
  // Divides every gradient of `optimizer` by the scale in place and records whether any was
  // inf/NaN. Idempotent per step: a second call before step() does nothing.
  void unscale(torch::optim::Optimizer& optimizer);
  // Unscales if not done yet, then runs optimizer.step() unless a gradient was not finite.
  // Returns true when the step was taken.
  bool step(torch::optim::Optimizer& optimizer);
  // After each step: halves the scale after an overflow, doubles it after growth_interval good
  // steps (PyTorch's rule), and clears the per-step record.
  void update();

  double current_scale() const { return state_.scale; }
  bool found_inf() const { return found_inf_; }
  GradScalerState state() const { return state_; }
  void load_state(const GradScalerState& state) { state_ = state; }

 private:
  GradScalerOptions options_;
  GradScalerState state_;
  bool unscaled_ = false;
  bool found_inf_ = false;
};

}  // namespace audiogan
