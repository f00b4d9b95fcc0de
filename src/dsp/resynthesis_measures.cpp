// Spectral convergence and log-spectral distance between two waveforms.
#include "dsp/resynthesis_measures.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "core/error.h"
#include "dsp/stft.h"

namespace audiogan::dsp {
namespace {

// Both waveforms cut to the shorter length -> their STFT power [K, F] in float64.
std::pair<torch::Tensor, torch::Tensor> aligned_power(const torch::Tensor& reference,
                                                      const torch::Tensor& estimate,
                                                      const FrontendConfig& config) {
  if (reference.dim() != 1 || estimate.dim() != 1) {
    throw DataError("resynthesis measures: expected two waveforms [T], got " +
                    std::to_string(reference.dim()) + " and " + std::to_string(estimate.dim()) +
                    " dimensions");
  }
  const int64_t length = std::min(reference.size(0), estimate.size(0));
  if (length < 1) throw DataError("resynthesis measures: a waveform is empty");
  const auto power = [&](const torch::Tensor& wave) {
    torch::Tensor x = wave.narrow(0, 0, length).to(torch::kFloat32).unsqueeze(0);  // [1, T]
    return torch::view_as_real(stft(x, config)).to(torch::kFloat64).square().sum(-1).squeeze(0);
  };
  return {power(reference), power(estimate.to(reference.device()))};
}

}  // namespace

double waveform_spectral_convergence_db(const torch::Tensor& reference,
                                        const torch::Tensor& estimate,
                                        const FrontendConfig& config) {
  auto [x, y] = aligned_power(reference, estimate, config);
  const torch::Tensor mx = x.sqrt();
  const double norm = mx.norm().item<double>();
  if (norm == 0.0) return 0.0;
  const double error = (mx - y.sqrt()).norm().item<double>();
  if (error == 0.0) return -std::numeric_limits<double>::infinity();
  return 20.0 * std::log10(error / norm);
}

double log_spectral_distance_db(const torch::Tensor& reference, const torch::Tensor& estimate,
                                const FrontendConfig& config) {
  auto [x, y] = aligned_power(reference, estimate, config);
  const double peak = x.max().item<double>();
  const double floor = peak > 0 ? peak * 1e-8 : 1e-20;
  const torch::Tensor difference =
      10.0 * (torch::log10(x.clamp_min(floor)) - torch::log10(y.clamp_min(floor)));  // [K, F]
  return difference.square().mean(0).sqrt().mean().item<double>();
}

}  // namespace audiogan::dsp
