// Clips and random segments for vocoder training (see segment_source.h).
#include "vocoder/segment_source.h"

#include <algorithm>
#include <random>

#include "audio/audio_file.h"
#include "core/error.h"
#include "dsp/mel.h"

namespace audiogan {

std::vector<VocoderClip> load_vocoder_clips(
    const std::vector<std::string>& paths, const FrontendConfig& frontend, double max_seconds,
    int64_t min_frames, const std::function<void(const std::string&)>& on_skip) {
  FrontendConfig whole = frontend;
  whole.frames = 0;  // the clip's own length; segments are cut afterwards
  const int64_t min_samples = std::max<int64_t>(1, min_frames) * frontend.hop_length;
  std::vector<VocoderClip> clips;
  clips.reserve(paths.size());
  for (const auto& path : paths) {
    try {
      AudioClip audio = read_audio(path, frontend.sample_rate, max_seconds);
      const auto length = static_cast<int64_t>(audio.samples.size());
      torch::Tensor wave = torch::zeros({std::max(length, min_samples)}, torch::kFloat32);
      if (length > 0) {
        wave.narrow(0, 0, length)
            .copy_(torch::from_blob(audio.samples.data(), {length}, torch::kFloat32));
      }
      VocoderClip clip;
      clip.path = path;
      clip.log_mel = dsp::log_mel(wave, whole);  // [n_mels, 1 + L / hop]
      clip.waveform = wave;
      clips.push_back(std::move(clip));
    } catch (const Error& error) {
      if (on_skip) on_skip(path + ": " + error.what());
    }
  }
  if (clips.empty()) {
    throw DataError("vocoder: none of the " + std::to_string(paths.size()) +
                    " audio files could be decoded");
  }
  return clips;
}

SegmentBatch draw_segments(const std::vector<VocoderClip>& clips, int64_t batch, int64_t frames,
                           int64_t hop, uint64_t seed, int64_t step, int64_t first) {
  // One generator per step (seed and step mixed by splitmix-style constants): no RNG state to
  // checkpoint, and the same batch for the same step after a resume.
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(step) + 1);
  std::uniform_int_distribution<size_t> pick(0, clips.size() - 1);
  const int64_t n_mels = clips.front().log_mel.size(0);
  SegmentBatch out;
  out.log_mel = torch::empty({batch, n_mels, frames}, torch::kFloat32);
  out.waveform = torch::empty({batch, frames * hop}, torch::kFloat32);
  TORCH_CHECK(first >= 0, "draw_segments: expected first >= 0, got ", first);
  for (int64_t i = 0; i < first + batch; ++i) {
    const VocoderClip& clip = clips[pick(rng)];
    // Start frames whose waveform segment lies wholly inside the (padded) clip.
    const int64_t last_start = clip.waveform.size(0) / hop - frames;
    TORCH_CHECK(last_start >= 0, "draw_segments: clip ", clip.path, " is shorter than ", frames,
                " frames");
    std::uniform_int_distribution<int64_t> start(0, last_start);
    const int64_t f0 = start(rng);
    if (i < first) continue;  // another shard's segment: drawn only to advance the generator
    out.log_mel[i - first].copy_(clip.log_mel.narrow(1, f0, frames));
    out.waveform[i - first].copy_(clip.waveform.narrow(0, f0 * hop, frames * hop));
  }
  return out;
}

}  // namespace audiogan
