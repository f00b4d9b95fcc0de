// The spectrogram cache: every file decoded, resampled and transformed once into fp16 log-mels,
// memory-mapped for training. Keyed by each file's path, size and mtime and the front end.
// On disk, in the cache folder: logmel-<key>.json (the index: source files, classes, front end)
// and logmel-<key>.<generation>.bin (fp16 [N, n_mels, frames]); <key> hashes the front-end
// string and the split folder, so other settings use other files. Both are replaced atomically.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

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
  int64_t reused = 0;               // entries whose file had not changed
  int64_t computed = 0;             // entries decoded and transformed now
  std::vector<SkippedFile> failed;  // unreadable/broken files with the reason
};

class SpectrogramCache {
 public:
  // Builds or updates the cache for `dataset` under `cache_dir` (default: <root>/.audiogan-cache
  // when empty), across `threads` threads (0 = every core), and opens it. Only files whose path,
  // size or mtime changed are decoded again. Broken files are skipped and listed in
  // report->failed. Throws ConfigError when frontend.frames is 0 (the cache holds fixed-size
  // spectrograms) and DataError when no file is usable. `progress` is called from worker threads,
  // one call at a time.
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
  // Frames [N] int64 up to each entry's last non-silent frame (its length before padding).
  const torch::Tensor& content_frames() const;
  // Files of the dataset that could not be used, with the reason.
  const std::vector<SkippedFile>& failed() const;
  // The index (.json) and data (.bin) files, and the data's size in bytes.
  const std::string& index_path() const;
  const std::string& data_path() const;
  int64_t data_bytes() const;

  // The cache folder used when none is given: <dataset root>/.audiogan-cache.
  static std::string default_dir(const Dataset& dataset);

 private:
  friend struct SpectrogramCacheAccess;  // the builder in spectrogram_cache.cpp
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace audiogan
