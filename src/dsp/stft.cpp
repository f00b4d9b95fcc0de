// STFT/ISTFT wrappers: explicit reflection padding keeps to the overloads that LibTorch 1.13
// and 2.x both have (the `center` overload of torch::stft is not in both).
#include "dsp/stft.h"

#include <algorithm>
#include <string>

#include "core/error.h"

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
  const int64_t n_fft = config.n_fft;
  const int64_t hop = config.hop_length;
  if (n_fft % hop != 0) {
    return torch::istft(spectrum, n_fft, hop, config.win_length,
                        hann_window(config, spectrum.device()), /*center=*/true,
                        /*normalized=*/false, /*onesided=*/true, length,
                        /*return_complex=*/false);  // [B, length]
  }
  // torch::istft of LibTorch 1.13 overlap-adds frames and the window envelope through col2im
  // at 4x the cost of the inverse FFT itself. With a hop that divides n_fft, the overlap-add is
  // n_fft/hop shifted sums of contiguous hop-long blocks.
  const int64_t batch = spectrum.size(0);
  const int64_t frames = spectrum.size(2);
  const int64_t overlap = n_fft / hop;
  const int64_t padded_length = n_fft + hop * (frames - 1);
  const auto float_options =
      torch::TensorOptions().dtype(torch::kFloat32).device(spectrum.device());

  // The window centred in n_fft samples, as torch.stft places a shorter one.
  torch::Tensor window = torch::zeros({n_fft}, float_options);
  window.narrow(0, (n_fft - config.win_length) / 2, config.win_length)
      .copy_(hann_window(config, spectrum.device()));

  // [B', F, overlap, hop] -> [B', padded]: block s of the output sums block j of frame s - j.
  const auto overlap_add = [&](const torch::Tensor& pieces) {
    torch::Tensor sum = torch::zeros({pieces.size(0), frames + overlap - 1, hop}, float_options);
    for (int64_t shift = 0; shift < overlap; ++shift) {
      sum.narrow(1, shift, frames).add_(pieces.select(2, shift));
    }
    return sum.view({pieces.size(0), padded_length});
  };
  torch::Tensor frames_time =
      torch::fft::irfft(spectrum.transpose(1, 2), n_fft, /*dim=*/-1).mul_(window);  // [B, F, n_fft]
  torch::Tensor signal = overlap_add(frames_time.view({batch, frames, overlap, hop}));
  torch::Tensor envelope =  // the squared window of every frame, without copying it per frame
      overlap_add(window.square().view({1, 1, overlap, hop}).expand({1, frames, overlap, hop}));

  // Centre padding removed; a requested length past the frames' reach is silence, as in
  // torch.istft.
  const int64_t start = n_fft / 2;
  const int64_t available = std::min(length, padded_length - start);
  torch::Tensor out = torch::zeros({batch, length}, float_options);
  torch::Tensor kept_envelope = envelope.narrow(1, start, available);
  if (kept_envelope.numel() > 0 && kept_envelope.min().item<float>() < 1e-11F) {
    throw DataError("istft: the window overlap-add is zero somewhere (n_fft " +
                    std::to_string(n_fft) + ", hop " + std::to_string(hop) + ", win-length " +
                    std::to_string(config.win_length) + "): no inverse exists");
  }
  out.narrow(1, 0, available).copy_(signal.narrow(1, start, available).div_(kept_envelope));
  return out;  // [B, length]
}

}  // namespace audiogan::dsp
