// Per-clip lengths inside a batch of one width, for variable-length models (--lengths variable):
// every clip of a batch is stored at the batch's width, and the frames from its length on are
// silence, in the data and in G's output alike, so D cannot tell them apart there.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace audiogan {

// The frames a variable-length G is told its clip's length with (length_features).
constexpr int kLengthFeatures = 16;

// x [B, C, M, W], frames [B] int64 -> x with every frame t >= frames[b] set to `silence` (-1 in
// the models' normalised range). Frames beyond W are ignored; the gradient there is zero.
torch::Tensor silence_after(const torch::Tensor& x, const torch::Tensor& frames, double silence);

// frames [B] int64 in [1, max_frames] -> [B, kLengthFeatures] float32: sin and cos of k * pi * l
// for k = 1..8, with l = log(frames) / log(max_frames) in [0, 1]. The logarithm, because a
// kick's 20 frames and a cymbal's 300 differ by their ratio; sinusoids, so G reads the length
// at several scales without a learned embedding per frame count.
torch::Tensor length_features(const torch::Tensor& frames, int64_t max_frames);

// Per class, the lengths (frames) clips of that class are drawn from: `class_frames[c]` is a
// non-empty list (e.g. the training clips' lengths). labels [B] int64 -> frames [B] int64, each
// a uniform draw from its class's list using `generator`. Throws DataError for a class without
// lengths.
// The width a variable-length G samples a clip of `longest` frames at: `longest` rounded up to a
// multiple of 16, at least 32 (the narrowest bucket training uses, data/length_buckets.h) and at
// most max_frames.
int64_t sampling_width(int64_t longest, int64_t max_frames);

torch::Tensor draw_frames(const std::vector<std::vector<int64_t>>& class_frames,
                          const torch::Tensor& labels, at::Generator generator);

}  // namespace audiogan
