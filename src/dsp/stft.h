// The one STFT/ISTFT pair of the front end and of Griffin-Lim, so both use identical framing.
// ref: torch.stft(center=True, pad_mode="reflect", onesided=True) with a periodic Hann window.
#pragma once

#include <optional>

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan::dsp {

// Periodic Hann window of config.win_length on `device`. ref: torch.hann_window.
torch::Tensor hann_window(const FrontendConfig& config, const torch::Device& device);

// Complex STFT: waveform [B, T] float32 -> [B, n_fft/2+1, 1 + T/hop] complex64. Centre padding
// by reflection; a signal too short to reflect (T <= n_fft/2) is extended with silence first.
torch::Tensor stft(const torch::Tensor& waveform, const FrontendConfig& config);

// Inverse of stft: [B, n_fft/2+1, F] complex64 -> [B, length] float32 (overlap-add with the
// squared-window normalisation). ref: torch.istft(center=True).
torch::Tensor istft(const torch::Tensor& spectrum, const FrontendConfig& config, int64_t length);

}  // namespace audiogan::dsp
