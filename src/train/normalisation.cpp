// Dataset normalisation (see normalisation.h).
#include "train/normalisation.h"

#include <sstream>

namespace audiogan {

torch::Tensor Normalisation::to_model(const torch::Tensor& log_mel) const {
  return (log_mel.to(torch::kFloat) - low) * (2.0 / (high - low)) - 1.0;
}

torch::Tensor Normalisation::from_model(const torch::Tensor& normalised) const {
  return ((normalised.to(torch::kFloat) + 1.0) * (0.5 * (high - low)) + low).clamp_min(low);
}

std::string Normalisation::to_string() const {
  std::ostringstream out;
  out << "low=" << low << " high=" << high;
  return out.str();
}

Normalisation compute_normalisation(const torch::Tensor& spectrograms) {
  Normalisation result;
  if (spectrograms.numel() == 0) return result;
  // The max is exact in fp16 and keeps every training value inside [-1, 1], which tanh can
  // reach; a percentile would clip the loudest peaks of drum hits.
  // In chunks: the cache is fp16 and may be larger than memory as float32.
  double high = 0.0;
  const int64_t n = spectrograms.size(0);
  for (int64_t i = 0; i < n; i += 256) {
    auto chunk = spectrograms.narrow(0, i, std::min<int64_t>(256, n - i)).to(torch::kFloat);
    high = std::max(high, chunk.max().item<double>());
  }
  result.low = 0.0;
  result.high = high > 1e-6 ? high : 1.0;
  return result;
}

}  // namespace audiogan
