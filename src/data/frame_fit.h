// Fits the training frame count to a dataset's sounds, so short sounds are not trained on
// mostly padding (for 0.5 s digits at 512 frames, 90 % of every target is silence and every
// step costs 8x what the sound needs).
#pragma once

#include <functional>
#include <string>

#include <torch/torch.h>

#include "core/config.h"
#include "data/spectrogram_cache.h"

namespace audiogan {

// The frames the 512-frame probe cache measures content up to: the seeds' length.
constexpr int kFrameFitProbeFrames = 512;

// The share of clips whose whole sound the fitted length holds. 0.55 rather than 0.75: at the
// same 25-minute budget the shorter length (96 instead of 176 frames on the example drums, 48
// instead of 64 on spoken digits) scored higher on both (docs/EXPERIMENTS.md, "Frame length");
// the longer clips lose only their quiet tails.
constexpr double kFrameFitQuantile = 0.55;

// Variable-length training (--lengths variable): the longest clip G makes holds the whole sound
// of this share of the clips. Not 1: one 6 s outlier would otherwise set the size of G's first
// layer and of every evaluation canvas; the 5 % of clips above it lose their quiet tails only.
// 0.95 rather than 0.98: on spoken digits set a the 98th percentile gave an 80-frame longest
// bucket holding few clips, which cost more Fréchet distance on the validation split than the
// tails it kept (99.3 against 70.3 at 64 frames, docs/EXPERIMENTS.md); set b's fit is 64 frames
// either way, the drums' 512.
constexpr double kLongestFitQuantile = 0.95;

// "95th percentile" for a quantile of 0.95, for what the run prints.
std::string percentile_name(double quantile);

// --lengths auto trains at variable lengths when the longest clip they would make (the
// kLongestFitQuantile fit) is at most this many times the fixed-length fit: the long buckets
// then cost little, and every sound keeps its length. Measured at the 25-minute budget
// (docs/EXPERIMENTS.md): on spoken digits (64 against 48 frames) variable lengths won (FD 1.7x
// against 2.8x the floor, no class over silence); on the example drums (512 against 96-128)
// they lost.
constexpr double kAutoVariableMaxRatio = 2.0;

// What --lengths auto trains at, given the two fits: "variable" or "fixed".
std::string auto_lengths(int fixed_fit, int longest_fit);

// The kFrameFitQuantile quantile of `content_frames` ([N] int64, each clip's frames up to its
// last non-silent one) rounded up to a multiple of 16 (the models halve four times), within
// [32, kFrameFitProbeFrames]. A quantile, not the maximum: a few long cymbal tails would
// otherwise set the length of every kick. Throws DataError when `content_frames` is empty.
// (quantile: another share, e.g. kLongestFitQuantile.)
int fit_frames(const torch::Tensor& content_frames, double quantile = kFrameFitQuantile);

// Returns `frontend` with frames resolved for training `arch` when frontend.frames is 0:
// 512 for "seed" (the seeds' fixed 128 x 512 design), otherwise fit_frames() over a probe cache
// of the dataset at 512 frames (built, or reused, in `cache_dir`) at `quantile`. Any other frames
// value is returned unchanged.
FrontendConfig resolve_training_frames(const Dataset& dataset, const FrontendConfig& frontend,
                                       const std::string& arch, const std::string& cache_dir,
                                       int threads, const CacheProgressCallback& progress,
                                       CacheBuildReport* report,
                                       double quantile = kFrameFitQuantile);

// What `train` (and `prepare`, so that it caches what training reads) resolves from the data:
// the clip-length mode and the frames the cache holds. With frontend.frames 0: "fixed" takes the
// kFrameFitQuantile fit, "variable" the kLongestFitQuantile fit, and "auto" measures both and
// takes auto_lengths()'s choice when `variable_supported` (else fixed); arch "seed" is fixed at
// 512. With frames set, they stay and "auto" is fixed.
struct TrainingLengths {
  FrontendConfig frontend;  // frames resolved
  std::string lengths;      // "fixed" or "variable"
  int fixed_fit = 0;        // auto's two measurements (0 when auto did not measure)
  int longest_fit = 0;
};
TrainingLengths resolve_training_lengths(const Dataset& dataset, const FrontendConfig& frontend,
                                         const std::string& arch, const std::string& lengths,
                                         bool variable_supported, const std::string& cache_dir,
                                         int threads, const CacheProgressCallback& progress,
                                         CacheBuildReport* report);

}  // namespace audiogan
