// Sound lengths per class (issue #20, target 1): how long generated sounds last against how long
// the real ones do, with the one length measure the data pipeline already uses to fit the
// training frame count (count_content_frames: frames up to the last one within 60 dB of the
// clip's loudest), so that "the model's length" and "the data's length" mean the same thing.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/config.h"

namespace audiogan::eval {

// The target of issue #20: the generated median within 20 % and the generated 90th percentile
// within 30 % of the real ones.
constexpr double kLengthMedianTolerance = 0.2;
constexpr double kLengthP90Tolerance = 0.3;

// Each clip's sound length in frames: count_content_frames over its whole frame axis.
// log_mels: [N, n_mels, F] log1p(mel power), negative values are clipped to 0 first (as the
// vocoder does). Returns [N] int64 in [0, F].
torch::Tensor sound_frames(const torch::Tensor& log_mels);

// The sound length of each file at its natural length: decoded whole, resampled to
// frontend.sample_rate and analysed with `frontend` without padding or cutting (frontend.frames
// is ignored), so a clip longer than a model's frame count keeps its whole length.
// `progress(done, total)` is called after each file. Returns [N] int64. Throws IoError /
// DataError naming the path, as read_audio does.
torch::Tensor file_sound_frames(const std::vector<std::string>& paths,
                                const FrontendConfig& frontend,
                                const std::function<void(int64_t, int64_t)>& progress = {});

// The q-quantile (q in [0, 1]) of `values` (any shape, any real dtype), interpolated linearly
// between order statistics (numpy's default, so the median of an even count is the mean of the
// middle two). NaN when `values` is empty. ref: numpy.quantile(method="linear").
double linear_quantile(const torch::Tensor& values, double q);

// Seconds that `frames` frames of `frontend` cover (frame f is centred on sample f * hop).
double frames_to_seconds(double frames, const FrontendConfig& frontend);

struct LengthComparison {
  double median = NAN;  // generated, frames
  double p90 = NAN;
  double median_real = NAN;  // real, frames
  double p90_real = NAN;
  // Both within tolerance of the real figures; false when either side has no clip.
  bool ok = false;
};

// Compares generated lengths [N] with real lengths [M] (frames, e.g. from sound_frames and
// file_sound_frames).
LengthComparison compare_lengths(const torch::Tensor& generated, const torch::Tensor& real);

}  // namespace audiogan::eval
