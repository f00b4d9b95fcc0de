// Length buckets for variable-length training: each clip is trained at the smallest bucket width
// that holds its sound, and every batch is one bucket, so a kick is not padded to a cymbal's
// length and no batch is padded to the longest clip of the dataset.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace audiogan {

// Bucket widths for clips of `content_frames` ([N] int64, frames up to each clip's last
// non-silent one): the i/count quantiles (i = 1..count) rounded up to a multiple of 16, at
// least 32 and at most max_width, ascending and distinct; the last is always max_width.
// Throws ConfigError when count < 1 or max_width is no multiple of 16 >= 32.
std::vector<int> bucket_widths(const torch::Tensor& content_frames, int max_width, int count);

// The index in `widths` (ascending) of the smallest width >= frames; the last for longer clips.
int bucket_of(int64_t frames, const std::vector<int>& widths);

struct BucketBatch {
  int width = 0;                 // frames every clip of the batch is cut to
  std::vector<int64_t> entries;  // cache entries
};

// One epoch's batches: the entries of `order` grouped by bucket (`bucket` gives each entry's
// bucket index, indexed by entry), in `order`'s order within a bucket, cut into batches of
// `batch`. A bucket's last batch with fewer than batch/2 clips joins the one before it (when
// there is one), so every entry of `order` is in exactly one batch and none is tiny. The
// batches are then shuffled, deterministically given (seed, epoch). The number of batches
// depends only on how many entries each bucket has, not on the order.
std::vector<BucketBatch> bucket_batches(const std::vector<int64_t>& order,
                                        const std::vector<int>& bucket,
                                        const std::vector<int>& widths, int batch, uint64_t seed,
                                        uint64_t epoch);

// Per class (labels [N] int64 in [0, classes)), the sorted lengths content_frames [N] clamped
// to [1, max_frames]: what a variable-length model draws its clips' lengths from.
std::vector<std::vector<int64_t>> class_lengths(const torch::Tensor& content_frames,
                                                const torch::Tensor& labels, int classes,
                                                int64_t max_frames);

}  // namespace audiogan
