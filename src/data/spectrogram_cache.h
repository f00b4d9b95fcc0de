// The spectrogram cache: every file decoded, resampled and transformed once into fp16 log-mels,
// memory-mapped for training. Keyed by each file's path, size and mtime and the front end.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "data/dataset.h"

namespace audiogan {

struct CacheProgress {
  int64_t done = 0;
  int64_t total = 0;
  std::string current_path;
};
using CacheProgressCallback = std::function<void(const CacheProgress&)>;

struct CacheBuildReport {
  int64_t reused = 0;                 // entries whose file had not changed
  int64_t computed = 0;               // entries decoded and transformed now
  std::vector<SkippedFile> failed;    // unreadable/broken files with the reason
};

class SpectrogramCache {
 public:
  // Builds or updates the cache for `dataset` under `cache_dir` (default: <root>/.audiogan-cache
  // when empty), across `threads` threads (0 = every core), and opens it.
  static SpectrogramCache build(const Dataset& dataset, const FrontendConfig& frontend,
                                const std::string& cache_dir, int threads,
                                const CacheProgressCallback& progress, CacheBuildReport* report);

  // Opens an existing, up-to-date cache; throws DataError when it is missing or stale.
  static SpectrogramCache open(const Dataset& dataset, const FrontendConfig& frontend,
                               const std::string& cache_dir);

  int64_t size() const;
  const std::vector<std::string>& class_names() const;
  const FrontendConfig& frontend() const;
  // Labels [N] int64.
  const torch::Tensor& labels() const;
  // All spectrograms [N, n_mels, frames] float16, a view of the memory-mapped file (no copy).
  const torch::Tensor& spectrograms() const;
  // Source file of entry i.
  const std::string& path(int64_t index) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace audiogan
