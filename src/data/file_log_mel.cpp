// Decode -> resample -> log-mel for one file, with the content length of the result.
#include "data/file_log_mel.h"

#include "audio/audio_file.h"
#include "core/error.h"
#include "dsp/mel.h"

namespace audiogan {

double seconds_needed(const FrontendConfig& frontend) {
  // Frame f is centred on sample f * hop and spans n_fft samples: the last kept frame needs
  // samples up to (frames - 1) * hop + n_fft / 2; one more n_fft / 2 keeps the reflection padding
  // at the end from reaching into kept frames, so the prefix gives the same frames as the whole.
  const double samples =
      static_cast<double>(frontend.frames - 1) * frontend.hop_length + frontend.n_fft + 1;
  return samples / frontend.sample_rate;
}

int64_t count_content_frames(const torch::Tensor& log_mel, int64_t audio_frames) {
  const torch::Tensor power = torch::expm1(log_mel.to(torch::kFloat)).sum(0);  // [frames]
  const double peak = power.max().item<double>();
  if (!(peak > 1e-10)) return 0;
  const torch::Tensor loud = (power > peak * 1e-6).nonzero();  // [K, 1]
  const int64_t last = loud[-1][0].item<int64_t>();
  return std::min(last + 1, audio_frames);
}

FileLogMel file_log_mel(const std::string& path, const FrontendConfig& frontend) {
  if (frontend.frames <= 0) {
    throw ConfigError(
        "cache: --frames must be > 0 (the cache stores fixed-size spectrograms), got " +
        std::to_string(frontend.frames));
  }
  AudioClip clip = read_audio(path, frontend.sample_rate, seconds_needed(frontend));
  const auto length = static_cast<int64_t>(clip.samples.size());
  if (length == 0) throw DataError("cache: " + path + " decodes to no samples");
  const torch::Tensor waveform = torch::from_blob(clip.samples.data(), {length}, torch::kFloat);
  FileLogMel out;
  out.log_mel = dsp::log_mel(waveform, frontend).contiguous();  // [n_mels, frames]
  out.source_seconds = clip.source_seconds;
  const int64_t audio_frames = std::min<int64_t>(frontend.frames, 1 + length / frontend.hop_length);
  out.content_frames = count_content_frames(out.log_mel, audio_frames);
  return out;
}

}  // namespace audiogan
