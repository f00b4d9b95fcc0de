// STFT/ISTFT wrappers: explicit reflection padding keeps to the overloads that LibTorch 1.13
// and 2.x both have (the `center` overload of torch::stft is not in both).
#include "dsp/stft.h"

namespace audiogan::dsp {

torch::Tensor hann_window(const FrontendConfig& config, const torch::Device& device) {
  return torch::hann_window(config.win_length,
                            torch::TensorOptions().dtype(torch::kFloat32).device(device));
}

torch::Tensor stft(const torch::Tensor& waveform, const FrontendConfig& config) {
  torch::Tensor x = waveform.to(torch::kFloat32);  // [B, T]
  const int64_t length = x.size(1);
  const int64_t pad = config.n_fft / 2;
  const int64_t frames = 1 + length / config.hop_length;
  // Reflection needs more samples than the padding; the frame count of the original length is
  // kept afterwards.
  if (length <= pad) x = torch::constant_pad_nd(x, {0, pad + 1 - length}, 0.0);
  torch::Tensor padded = torch::reflection_pad1d(x.unsqueeze(1), {pad, pad}).squeeze(1);
  torch::Tensor spectrum = torch::stft(padded, config.n_fft, config.hop_length, config.win_length,
                                       hann_window(config, x.device()), /*normalized=*/false,
                                       /*onesided=*/true, /*return_complex=*/true);
  return spectrum.slice(2, 0, frames);  // [B, n_fft/2+1, frames]
}

torch::Tensor istft(const torch::Tensor& spectrum, const FrontendConfig& config, int64_t length) {
  return torch::istft(spectrum, config.n_fft, config.hop_length, config.win_length,
                      hann_window(config, spectrum.device()), /*center=*/true,
                      /*normalized=*/false, /*onesided=*/true, length,
                      /*return_complex=*/false);  // [B, length]
}

}  // namespace audiogan::dsp
