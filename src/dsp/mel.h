// The log-mel front end. ref: torchaudio 0.13 transforms.MelSpectrogram (power 2, centre padding
// with reflection, Hann window) and functional.melscale_fbanks, followed by log1p.
#pragma once

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan::dsp {

// Mel filterbank: [n_fft/2+1, n_mels] float32. ref: torchaudio.functional.melscale_fbanks.
torch::Tensor mel_filterbank(const FrontendConfig& config);

// Power spectrogram: waveform [T] or [B, T] float32 -> [n_fft/2+1, frames] or [B, n_fft/2+1,
// frames], frames = 1 + T / hop (centre padding, reflection).
torch::Tensor power_spectrogram(const torch::Tensor& waveform, const FrontendConfig& config);

// log1p(mel power): waveform [T] or [B, T] -> [n_mels, F] or [B, n_mels, F]. When config.frames
// > 0 the frame axis is padded with silence (0) or truncated to config.frames.
torch::Tensor log_mel(const torch::Tensor& waveform, const FrontendConfig& config);

// Pads the last axis with zeros (silence in log1p units) or truncates it to `frames`.
torch::Tensor pad_or_crop_frames(const torch::Tensor& spectrogram, int64_t frames);

}  // namespace audiogan::dsp
