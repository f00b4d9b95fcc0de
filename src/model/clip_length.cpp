// Length masks and length features of variable-length models: see clip_length.h.
#include "model/clip_length.h"

#include <cmath>

#include "core/error.h"

namespace audiogan {

torch::Tensor silence_after(const torch::Tensor& x, const torch::Tensor& frames, double silence) {
  const int64_t width = x.size(3);
  const auto positions = torch::arange(width, frames.options().dtype(torch::kLong));   // [W]
  const auto beyond = positions.unsqueeze(0) >= frames.to(torch::kLong).unsqueeze(1);  // [B, W]
  return x.masked_fill(beyond.view({x.size(0), 1, 1, width}), silence);
}

torch::Tensor length_features(const torch::Tensor& frames, int64_t max_frames) {
  const double log_max = std::log(static_cast<double>(std::max<int64_t>(max_frames, 2)));
  const auto l = frames.to(torch::kFloat).clamp_min(1.0).log().div(log_max).unsqueeze(1);  // [B, 1]
  const auto k = torch::arange(1, kLengthFeatures / 2 + 1, l.options()).unsqueeze(0);      // [1, 8]
  const auto angle = l * k * M_PI;                                                         // [B, 8]
  return torch::cat({angle.sin(), angle.cos()}, 1);  // [B, 16]
}

int64_t sampling_width(int64_t longest, int64_t max_frames) {
  const int64_t rounded = (std::max<int64_t>(longest, 32) + 15) / 16 * 16;
  return std::min(rounded, max_frames);
}

torch::Tensor draw_frames(const std::vector<std::vector<int64_t>>& class_frames,
                          const torch::Tensor& labels, at::Generator generator) {
  const torch::Tensor cpu_labels = labels.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t n = cpu_labels.numel();
  const torch::Tensor u = torch::rand({n}, generator, torch::kDouble);  // [B] in [0, 1)
  torch::Tensor frames = torch::empty({n}, torch::kLong);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = cpu_labels.data_ptr<int64_t>()[i];
    if (c < 0 || c >= static_cast<int64_t>(class_frames.size()) ||
        class_frames[static_cast<size_t>(c)].empty()) {
      throw DataError("clip lengths: no lengths recorded for class " + std::to_string(c));
    }
    const auto& lengths = class_frames[static_cast<size_t>(c)];
    const auto pick = std::min<size_t>(
        lengths.size() - 1, static_cast<size_t>(u.data_ptr<double>()[i] * lengths.size()));
    frames.data_ptr<int64_t>()[i] = lengths[pick];
  }
  return frames.to(labels.device());
}

}  // namespace audiogan
