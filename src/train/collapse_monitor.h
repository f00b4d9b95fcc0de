// Watches what G outputs, because GAN losses can look healthy while G has collapsed to silence
// or to one sound. Compares figures of generated log-mels with the same figures of real data.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <torch/torch.h>

namespace audiogan {

// Figures of a set of log-mels (log1p units).
struct OutputStats {
  double active_frames = 0;   // share of frames whose loudest mel bin exceeds the threshold
  double class_distance = 0;  // mean RMS distance between the per-class mean spectrograms
  double diversity = 0;       // mean RMS distance between two samples of the same class
  int64_t count = 0;
};

struct CollapseThresholds {
  double silence_threshold = 1.0;  // log1p level of an "active" frame (set from the data)
  double min_active_ratio = 0.2;   // warn when fake active share < this x the real one
  // Warn when the fake active share exceeds the real one by more than this (absolute): G paints
  // sound over the data's silences, as a seed-design G that has lost to its D does (100 % of
  // frames against 2-22 % real), or lets a hit ring on where real ones have decayed (the default
  // recipe's hi-hats and cymbals: 20-40 points above real). 10 points separates both from the
  // sampling noise of real clips against real clips.
  double max_active_excess = 0.10;
  double min_diversity_ratio = 0.1;       // warn when fake diversity < this x the real one
  double min_class_distance_ratio = 0.1;  // warn when classes are this much closer than real
};

// The log1p level above which a frame counts as sound: a tenth of the data's loudest value, so
// that it follows the dataset's loudness rather than a fixed level.
inline double silence_threshold_for(double data_maximum) {
  return 0.1 * data_maximum;
}

// Share of frames in [0, 1] whose loudest mel bin exceeds `silence_threshold`;
// log_mels [N, n_mels, frames]; 0 when N = 0.
double active_frame_share(const torch::Tensor& log_mels, double silence_threshold);

// True when the generated log-mels have sound in more of their frames than the real ones by more
// than `thresholds.max_active_excess` (shares in [0, 1]).
inline bool paints_over_silence(double fake_active_frames, double real_active_frames,
                                const CollapseThresholds& thresholds = {}) {
  return fake_active_frames > real_active_frames + thresholds.max_active_excess;
}

// log_mels [N, n_mels, frames], labels [N] int64 in [0, num_classes).
OutputStats measure_outputs(const torch::Tensor& log_mels, const torch::Tensor& labels,
                            int num_classes, double silence_threshold);

struct CollapseReport {
  OutputStats fake;
  OutputStats real;
  std::vector<std::string> warnings;  // empty when G looks healthy
  nlohmann::json to_json() const;
};

// Compares generated with real figures and explains every sign of collapse in `warnings`.
CollapseReport check_collapse(const OutputStats& fake, const OutputStats& real, int num_classes,
                              const CollapseThresholds& thresholds);

}  // namespace audiogan
