// One audio file to one fixed-size log-mel: the unit of work of the spectrogram cache, and what a
// cacheless loader would redo every epoch.
#pragma once

#include <string>

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan {

struct FileLogMel {
  torch::Tensor log_mel;       // [n_mels, frames] float32
  int64_t content_frames = 0;  // frames up to the last non-silent one; the rest is padding/silence
  double source_seconds = 0;   // length of the whole file
};

// Decodes only the prefix that `frontend.frames` frames need, resamples to
// frontend.sample_rate and applies dsp::log_mel. Requires frontend.frames > 0. Throws IoError /
// DataError naming the path for unreadable or broken files.
FileLogMel file_log_mel(const std::string& path, const FrontendConfig& frontend);

// Seconds of audio that `frontend.frames` centred frames depend on.
double seconds_needed(const FrontendConfig& frontend);

// Frames up to the last one whose mel power is within 60 dB of the loudest frame, at most
// `audio_frames`. log_mel: [n_mels, frames] log1p(mel power).
int64_t count_content_frames(const torch::Tensor& log_mel, int64_t audio_frames);

}  // namespace audiogan
