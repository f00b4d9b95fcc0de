// Sound lengths: see sound_length.h.
#include "eval/sound_length.h"

#include <algorithm>
#include <cmath>

#include "audio/audio_file.h"
#include "core/error.h"
#include "data/file_log_mel.h"
#include "dsp/mel.h"

namespace audiogan::eval {

torch::Tensor sound_frames(const torch::Tensor& log_mels) {
  if (log_mels.dim() != 3) {
    throw DataError("evaluate: sound lengths expect log-mels [N, n_mels, frames], got " +
                    std::to_string(log_mels.dim()) + " dimensions");
  }
  const torch::Tensor clipped = log_mels.to(torch::kCPU, torch::kFloat32).clamp_min(0.0);
  const int64_t n = clipped.size(0);
  const int64_t frames = clipped.size(2);
  torch::Tensor out = torch::empty({n}, torch::kInt64);
  int64_t* lengths = out.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) lengths[i] = count_content_frames(clipped[i], frames);
  return out;
}

torch::Tensor file_sound_frames(const std::vector<std::string>& paths,
                                const FrontendConfig& frontend,
                                const std::function<void(int64_t, int64_t)>& progress) {
  FrontendConfig natural = frontend;
  natural.frames = 0;  // keep every frame of the file: nothing padded, nothing cut
  const auto n = static_cast<int64_t>(paths.size());
  torch::Tensor out = torch::empty({n}, torch::kInt64);
  int64_t* lengths = out.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    AudioClip clip = read_audio(paths[static_cast<size_t>(i)], frontend.sample_rate);
    const auto samples = static_cast<int64_t>(clip.samples.size());
    if (samples == 0) {
      lengths[i] = 0;
    } else {
      const torch::Tensor audio =
          torch::from_blob(clip.samples.data(), {samples}, torch::kFloat32);  // [T]
      const torch::Tensor mel = dsp::log_mel(audio, natural);  // [n_mels, 1 + T / hop]
      lengths[i] = count_content_frames(mel, mel.size(1));
    }
    if (progress) progress(i + 1, n);
  }
  return out;
}

double linear_quantile(const torch::Tensor& values, double q) {
  if (values.numel() == 0) return NAN;
  const torch::Tensor sorted =
      std::get<0>(values.to(torch::kCPU, torch::kFloat64).flatten().sort()).contiguous();
  const double* v = sorted.data_ptr<double>();
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.numel() - 1);
  const auto below = static_cast<int64_t>(std::floor(position));
  const int64_t above = std::min<int64_t>(below + 1, sorted.numel() - 1);
  const double weight = position - static_cast<double>(below);
  return v[below] + weight * (v[above] - v[below]);
}

double frames_to_seconds(double frames, const FrontendConfig& frontend) {
  return frames * frontend.hop_length / frontend.sample_rate;
}

LengthComparison compare_lengths(const torch::Tensor& generated, const torch::Tensor& real) {
  LengthComparison out;
  out.median = linear_quantile(generated, 0.5);
  out.p90 = linear_quantile(generated, 0.9);
  out.median_real = linear_quantile(real, 0.5);
  out.p90_real = linear_quantile(real, 0.9);
  const auto within = [](double value, double target, double tolerance) {
    return std::isfinite(value) && std::isfinite(target) &&
           std::abs(value - target) <= tolerance * target;
  };
  out.ok = within(out.median, out.median_real, kLengthMedianTolerance) &&
           within(out.p90, out.p90_real, kLengthP90Tolerance);
  return out;
}

}  // namespace audiogan::eval
