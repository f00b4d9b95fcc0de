// Training frame count from the data: see frame_fit.h.
#include "data/frame_fit.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace audiogan {

int fit_frames(const torch::Tensor& content_frames, double quantile) {
  if (content_frames.numel() == 0) {
    throw DataError("frames: cannot fit the frame count to a dataset without clips");
  }
  const torch::Tensor sorted = std::get<0>(content_frames.to(torch::kLong).flatten().sort());
  const int64_t n = sorted.numel();
  // Nearest rank: the smallest value with at least that share of the clips at or below it.
  const auto rank = static_cast<int64_t>(std::ceil(quantile * static_cast<double>(n))) - 1;
  const int64_t frames = sorted[std::clamp<int64_t>(rank, 0, n - 1)].item<int64_t>();
  const int64_t rounded = (frames + 15) / 16 * 16;
  return static_cast<int>(std::clamp<int64_t>(rounded, 32, kFrameFitProbeFrames));
}

std::string auto_lengths(int fixed_fit, int longest_fit) {
  return longest_fit <= kAutoVariableMaxRatio * fixed_fit ? "variable" : "fixed";
}

FrontendConfig resolve_training_frames(const Dataset& dataset, const FrontendConfig& frontend,
                                       const std::string& arch, const std::string& cache_dir,
                                       int threads, const CacheProgressCallback& progress,
                                       CacheBuildReport* report, double quantile) {
  if (frontend.frames != 0) return frontend;
  FrontendConfig resolved = frontend;
  if (arch == "seed") {
    resolved.frames = kFrameFitProbeFrames;
    return resolved;
  }
  FrontendConfig probe = frontend;
  probe.frames = kFrameFitProbeFrames;
  const SpectrogramCache cache =
      SpectrogramCache::build(dataset, probe, cache_dir, threads, progress, report);
  resolved.frames = fit_frames(cache.content_frames(), quantile);
  return resolved;
}

std::string percentile_name(double quantile) {
  const int percent = static_cast<int>(std::lround(quantile * 100));
  const int last = percent % 10;
  const bool teen = percent % 100 >= 11 && percent % 100 <= 13;
  const char* suffix = teen ? "th" : last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th";
  return std::to_string(percent) + suffix + " percentile";
}

TrainingLengths resolve_training_lengths(const Dataset& dataset, const FrontendConfig& frontend,
                                         const std::string& arch, const std::string& lengths,
                                         bool variable_supported, const std::string& cache_dir,
                                         int threads, const CacheProgressCallback& progress,
                                         CacheBuildReport* report) {
  TrainingLengths chosen{frontend, lengths == "variable" ? "variable" : "fixed", 0, 0};
  if (frontend.frames != 0) return chosen;
  // Every fit reads the same 512-frame probe cache (built once, then reused).
  const auto fit = [&](double quantile) {
    return resolve_training_frames(dataset, frontend, arch, cache_dir, threads, progress, report,
                                   quantile)
        .frames;
  };
  if (lengths == "auto" && variable_supported && arch != "seed") {
    chosen.fixed_fit = fit(kFrameFitQuantile);
    chosen.longest_fit = fit(kLongestFitQuantile);
    chosen.lengths = auto_lengths(chosen.fixed_fit, chosen.longest_fit);
  }
  // The fit of the chosen mode, measured already when auto measured both.
  const bool variable = chosen.lengths == "variable";
  const int measured = variable ? chosen.longest_fit : chosen.fixed_fit;
  chosen.frontend.frames =
      measured > 0 ? measured : fit(variable ? kLongestFitQuantile : kFrameFitQuantile);
  return chosen;
}

}  // namespace audiogan
