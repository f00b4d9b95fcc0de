// The log-mel front end: mel filterbank, power spectrogram and log1p mel, reproducing torchaudio
// 0.13 op for op (float32 throughout) so that parity holds to float rounding.
#include "dsp/mel.h"

#include <cmath>
#include <string>

#include "core/error.h"
#include "dsp/stft.h"

namespace audiogan::dsp {
namespace {

// Constants of the Slaney (Auditory Toolbox) mel scale: linear below 1 kHz, log above.
constexpr double kSlaneyHzPerMel = 200.0 / 3.0;
constexpr double kSlaneyMinLogHz = 1000.0;
constexpr double kSlaneyMinLogMel = kSlaneyMinLogHz / kSlaneyHzPerMel;
const double kSlaneyLogStep = std::log(6.4) / 27.0;

// ref: torchaudio.functional.functional._hz_to_mel (Python floats, i.e. double).
double hz_to_mel(double hz, const std::string& scale) {
  if (scale == "htk") return 2595.0 * std::log10(1.0 + hz / 700.0);
  if (hz >= kSlaneyMinLogHz)
    return kSlaneyMinLogMel + std::log(hz / kSlaneyMinLogHz) / kSlaneyLogStep;
  return hz / kSlaneyHzPerMel;
}

// ref: torchaudio.functional.functional._mel_to_hz (float32 tensor ops).
torch::Tensor mel_to_hz(const torch::Tensor& mels, const std::string& scale) {
  if (scale == "htk") return 700.0 * (torch::pow(10.0, mels / 2595.0) - 1.0);
  torch::Tensor linear = kSlaneyHzPerMel * mels;
  torch::Tensor log_part = kSlaneyMinLogHz * torch::exp(kSlaneyLogStep * (mels - kSlaneyMinLogMel));
  return torch::where(mels >= kSlaneyMinLogMel, log_part, linear);
}

void check_scale_and_norm(const FrontendConfig& config) {
  if (config.mel_scale != "htk" && config.mel_scale != "slaney") {
    throw ConfigError("mel: --mel-scale expected one of {htk, slaney}, got '" + config.mel_scale +
                      "'");
  }
  if (config.mel_norm != "none" && config.mel_norm != "slaney") {
    throw ConfigError("mel: --mel-norm expected one of {none, slaney}, got '" + config.mel_norm +
                      "'");
  }
}

}  // namespace

torch::Tensor mel_filterbank(const FrontendConfig& config) {
  check_scale_and_norm(config);
  const int64_t n_freqs = config.n_fft / 2 + 1;
  // torchaudio uses sample_rate // 2 (integer division) for both the bin axis and the default
  // f_max; keep that so odd sample rates match too.
  const double nyquist = static_cast<double>(config.sample_rate / 2);
  const double f_max = config.f_max > 0.0 ? config.f_max : nyquist;
  torch::Tensor all_freqs = torch::linspace(0.0, nyquist, n_freqs, torch::kFloat32);  // [n_freqs]
  const double m_min = hz_to_mel(config.f_min, config.mel_scale);
  const double m_max = hz_to_mel(f_max, config.mel_scale);
  torch::Tensor m_pts = torch::linspace(m_min, m_max, config.n_mels + 2, torch::kFloat32);
  torch::Tensor f_pts = mel_to_hz(m_pts, config.mel_scale);  // [n_mels + 2]

  // ref: torchaudio.functional.functional._create_triangular_filterbank
  torch::Tensor f_diff = f_pts.slice(0, 1) - f_pts.slice(0, 0, -1);    // [n_mels + 1]
  torch::Tensor slopes = f_pts.unsqueeze(0) - all_freqs.unsqueeze(1);  // [n_freqs, n_mels + 2]
  torch::Tensor down =
      (-1.0 * slopes.slice(1, 0, -2)) / f_diff.slice(0, 0, -1);  // [n_freqs, n_mels]
  torch::Tensor up = slopes.slice(1, 2) / f_diff.slice(0, 1);    // [n_freqs, n_mels]
  torch::Tensor fb = torch::clamp_min(torch::min(down, up), 0.0);

  if (config.mel_norm == "slaney") {
    // Area normalisation: each triangle divided by its width in Hz.
    torch::Tensor enorm =
        2.0 / (f_pts.slice(0, 2, config.n_mels + 2) - f_pts.slice(0, 0, config.n_mels));
    fb = fb * enorm.unsqueeze(0);
  }
  return fb;  // [n_freqs, n_mels]
}

torch::Tensor power_spectrogram(const torch::Tensor& waveform, const FrontendConfig& config) {
  if (waveform.dim() != 1 && waveform.dim() != 2) {
    throw DataError("mel: expected a waveform [T] or [B, T], got " +
                    std::to_string(waveform.dim()) + " dimensions");
  }
  const bool batched = waveform.dim() == 2;
  torch::Tensor x = batched ? waveform : waveform.unsqueeze(0);  // [B, T]
  // abs().pow(2) exactly as torchaudio's Spectrogram(power=2).
  torch::Tensor power = stft(x, config).abs().pow(2.0);  // [B, n_fft/2+1, frames]
  return batched ? power : power.squeeze(0);
}

torch::Tensor log_mel(const torch::Tensor& waveform, const FrontendConfig& config) {
  torch::Tensor power = power_spectrogram(waveform, config);     // [..., n_freqs, F]
  torch::Tensor fb = mel_filterbank(config).to(power.device());  // [n_freqs, n_mels]
  // ref: torchaudio.transforms.MelScale.forward
  torch::Tensor mel =
      torch::matmul(power.transpose(-1, -2), fb).transpose(-1, -2);  // [..., n_mels, F]
  torch::Tensor result = torch::log1p(mel);
  if (config.frames > 0) result = pad_or_crop_frames(result, config.frames);
  return result.contiguous();
}

torch::Tensor pad_or_crop_frames(const torch::Tensor& spectrogram, int64_t frames) {
  const int64_t have = spectrogram.size(-1);
  if (have == frames) return spectrogram;
  if (have > frames) return spectrogram.narrow(-1, 0, frames);
  return torch::constant_pad_nd(spectrogram, {0, frames - have}, 0.0);
}

}  // namespace audiogan::dsp
