// The whole inverse path (log1p mel -> waveform) and the spectral convergence measure.
#include "dsp/vocoder.h"

#include <algorithm>
#include <cmath>

#include "dsp/mel.h"
#include "dsp/stft.h"

namespace audiogan::dsp {

torch::Tensor log_mel_to_audio(const torch::Tensor& log_mel, const FrontendConfig& config,
                               const GriffinLimOptions& options) {
  // Generated log-mels can dip below 0; log1p of a power never does.
  torch::Tensor mel_power = torch::expm1(log_mel.to(torch::kFloat32).clamp_min(0.0));
  torch::Tensor magnitude = torch::sqrt(mel_to_linear(mel_power, config));  // power -> magnitude
  return griffin_lim(magnitude, config, options);
}

MelVocoder griffin_lim_vocoder(const FrontendConfig& config, const GriffinLimOptions& options) {
  return [config, options](const torch::Tensor& log_mel, uint64_t seed) {
    GriffinLimOptions seeded = options;
    seeded.seed = seed;
    return log_mel_to_audio(log_mel, config, seeded).to(torch::kCPU);
  };
}

double spectral_convergence_db(const torch::Tensor& target_magnitude, const torch::Tensor& waveform,
                               const FrontendConfig& config) {
  torch::Tensor wave = waveform.dim() == 1 ? waveform.unsqueeze(0) : waveform;  // [B, T]
  torch::Tensor target =
      target_magnitude.dim() == 2 ? target_magnitude.unsqueeze(0) : target_magnitude;  // [B, K, F]
  torch::Tensor rebuilt = stft(wave.to(target.device()), config).abs();
  const int64_t frames = std::min(target.size(2), rebuilt.size(2));
  target = target.narrow(2, 0, frames).to(torch::kFloat64);
  rebuilt = rebuilt.narrow(2, 0, frames).to(torch::kFloat64);
  const double reference = target.norm().item<double>();
  if (reference == 0.0) return 0.0;  // nothing to converge to: report no error
  return 20.0 * std::log10((target - rebuilt).norm().item<double>() / reference);
}

double mel_spectral_convergence_db(const torch::Tensor& log_mel, const torch::Tensor& waveform,
                                   const FrontendConfig& config) {
  FrontendConfig own_length = config;
  own_length.frames = 0;
  torch::Tensor target = torch::expm1(log_mel.to(torch::kFloat64).clamp_min(0.0)).sqrt();
  torch::Tensor rebuilt =
      torch::expm1(dsp::log_mel(waveform.to(log_mel.device()), own_length).to(torch::kFloat64))
          .clamp_min(0.0)
          .sqrt();
  const int64_t frames = std::min(target.size(-1), rebuilt.size(-1));
  target = target.narrow(-1, 0, frames);
  rebuilt = rebuilt.narrow(-1, 0, frames);
  const double reference = target.norm().item<double>();
  if (reference == 0.0) return 0.0;
  return 20.0 * std::log10((target - rebuilt).norm().item<double>() / reference);
}

}  // namespace audiogan::dsp
