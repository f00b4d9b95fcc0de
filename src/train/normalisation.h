// The affine map between the cache's log1p mels (>= 0, silence = 0) and the models' range
// [-1, 1]: silence -> -1 and the dataset's maximum -> +1. Computed once from the cache and
// stored in every checkpoint so sampling maps G's tanh output back with the same numbers.
#pragma once

#include <string>

#include <torch/torch.h>

namespace audiogan {

struct Normalisation {
  double low = 0.0;   // log1p value mapped to -1 (silence)
  double high = 1.0;  // log1p value mapped to +1 (the dataset's maximum)

  // log1p mels (any shape) -> [-1, 1] (float32).
  torch::Tensor to_model(const torch::Tensor& log_mel) const;
  // [-1, 1] -> log1p mels, clamped at >= low so a reconstruction never sees negative power.
  torch::Tensor from_model(const torch::Tensor& normalised) const;
  std::string to_string() const;
};

// Statistics of the spectrograms [N, n_mels, frames] (fp16 or fp32): low = 0, high = the
// maximum (1.0 when the data are all silent, so the map stays invertible).
Normalisation compute_normalisation(const torch::Tensor& spectrograms);

}  // namespace audiogan
