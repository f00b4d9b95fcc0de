// Batches for training, assembled in background threads from the spectrogram cache so compute
// never waits on data. Shuffling is deterministic given the seed.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "data/spectrogram_cache.h"

namespace audiogan {

struct Batch {
  torch::Tensor spectrograms;  // [B, 1, n_mels, frames] float32 (pinned when pin_memory)
  torch::Tensor labels;        // [B] int64
  // Bucketed (variable-length) batches only: each clip's length [B] int64 in [1, width], where
  // width = spectrograms.size(3) is the batch's bucket; undefined otherwise.
  torch::Tensor frames;
};

struct BatchLoaderOptions {
  int batch = 32;
  uint64_t seed = 0;
  int workers = 1;   // background threads assembling batches
  int prefetch = 4;  // batches queued ahead
  bool drop_last = true;
  bool pin_memory = false;  // for non-blocking copies to CUDA
  // Every class equally frequent in each epoch (class_balanced_indices in data/shuffle.h): an
  // epoch is then num_classes * floor(N / num_classes) entries instead of N.
  bool balance_classes = false;
  // Data-parallel sharding: every optimiser step takes `shards` consecutive batches of the
  // epoch's order (one per rank and micro-batch: WORLD_SIZE x accumulate, shard v = rank x
  // accumulate + micro-batch), and this loader delivers shards [first_shard, first_shard +
  // local_shards) of each step, in that order. Every rank sees one shuffled order (the same
  // seed), so the shards are disjoint and all ranks take the same number of steps; the epoch's
  // last entries that fill no whole step are dropped. The defaults are one process.
  int shards = 1;
  int first_shard = 0;
  int local_shards = 1;
  // Variable-length training: the bucket widths (data/length_buckets.h, ascending, the last the
  // cache's frames). Each batch then holds clips of one bucket, cut to its width, with their
  // lengths; an epoch draws every entry once (bucket_batches). Empty = every batch at the
  // cache's full width. Needs one shard and no class balancing.
  std::vector<int> bucket_widths;
};

class BatchLoader {
 public:
  BatchLoader(const SpectrogramCache& cache, BatchLoaderOptions options);
  ~BatchLoader();
  // Optimiser steps in one epoch (batches, with the default one shard per step).
  int64_t batches_per_epoch() const;
  // Starts epoch `epoch` (its order depends only on seed and epoch, so a resumed run sees the
  // same order) at step `first_batch`; next() then returns local_shards batches per step.
  void start_epoch(int64_t epoch, int64_t first_batch = 0);
  // The next batch of the current epoch, or false when the epoch is done.
  bool next(Batch& batch);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace audiogan
