// The vocoder's training data: whole decoded clips with their log-mel, and random aligned
// (log-mel segment, waveform segment) pairs cut from them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan {

struct VocoderClip {
  std::string path;
  torch::Tensor waveform;  // [L] float32 at frontend.sample_rate, L >= min_frames * hop
  torch::Tensor log_mel;   // [n_mels, 1 + L / hop]: dsp::log_mel of the whole clip, as the cache
};

// Decodes the first `max_seconds` of each file at frontend.sample_rate (read_audio, as the
// cache), pads it with silence to at least `min_frames` * hop samples and computes its log-mel
// with frontend.frames ignored. A file that cannot be decoded is reported through `on_skip`
// (path: reason) and left out; throws DataError when no file is left.
std::vector<VocoderClip> load_vocoder_clips(const std::vector<std::string>& paths,
                                            const FrontendConfig& frontend, double max_seconds,
                                            int64_t min_frames,
                                            const std::function<void(const std::string&)>& on_skip);

struct SegmentBatch {
  torch::Tensor log_mel;   // [B, n_mels, frames]
  torch::Tensor waveform;  // [B, frames * hop]: sample i is i samples after frame 0's centre
};

// `batch` segments of `frames` frames, each from a clip and start frame drawn uniformly by a
// generator seeded from (seed, step) alone, so a resumed run draws exactly what an
// uninterrupted one would have. Log-mel frames f0..f0+frames-1 are centred on samples
// f0*hop.., which is where the waveform segment [f0*hop, (f0+frames)*hop) starts.
// The step's draw is one sequence of segments; `first` > 0 returns segments [first,
// first + batch) of it (the earlier ones are drawn and dropped), so that micro-batch shard v of a
// data-parallel step takes [v * batch, (v + 1) * batch) and shard 0 is what one process draws.
SegmentBatch draw_segments(const std::vector<VocoderClip>& clips, int64_t batch, int64_t frames,
                           int64_t hop, uint64_t seed, int64_t step, int64_t first = 0);

}  // namespace audiogan
