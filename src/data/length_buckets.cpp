// Length buckets: see length_buckets.h.
#include "data/length_buckets.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "data/shuffle.h"

namespace audiogan {

std::vector<int> bucket_widths(const torch::Tensor& content_frames, int max_width, int count) {
  if (count < 1) {
    throw ConfigError("--buckets expected >= 1, got " + std::to_string(count));
  }
  if (max_width < 32 || max_width % 16 != 0) {
    throw ConfigError(
        "length buckets: expected a longest width that is a multiple of 16 >= 32, got " +
        std::to_string(max_width));
  }
  std::vector<int> widths;
  const torch::Tensor sorted = std::get<0>(content_frames.to(torch::kLong).flatten().sort());
  const int64_t n = sorted.numel();
  for (int i = 1; i < count && n > 0; ++i) {
    const auto rank = static_cast<int64_t>(std::ceil(static_cast<double>(i) * n / count)) - 1;
    const int64_t frames = sorted[std::clamp<int64_t>(rank, 0, n - 1)].item<int64_t>();
    const auto width =
        static_cast<int>(std::clamp<int64_t>((frames + 15) / 16 * 16, 32, max_width));
    if (widths.empty() || width > widths.back()) widths.push_back(width);
  }
  if (widths.empty() || widths.back() < max_width) widths.push_back(max_width);
  return widths;
}

int bucket_of(int64_t frames, const std::vector<int>& widths) {
  const auto it = std::lower_bound(widths.begin(), widths.end(), frames);
  return static_cast<int>(std::min<size_t>(it - widths.begin(), widths.size() - 1));
}

std::vector<BucketBatch> bucket_batches(const std::vector<int64_t>& order,
                                        const std::vector<int>& bucket,
                                        const std::vector<int>& widths, int batch, uint64_t seed,
                                        uint64_t epoch) {
  std::vector<std::vector<int64_t>> members(widths.size());
  for (const int64_t entry : order)
    members[static_cast<size_t>(bucket[static_cast<size_t>(entry)])].push_back(entry);
  std::vector<BucketBatch> batches;
  for (size_t b = 0; b < members.size(); ++b) {
    const auto& m = members[b];
    const size_t first = batches.size();
    for (size_t start = 0; start < m.size(); start += static_cast<size_t>(batch)) {
      const size_t end = std::min(m.size(), start + static_cast<size_t>(batch));
      const bool small = (end - start) * 2 < static_cast<size_t>(batch);
      if (small && batches.size() > first) {
        batches.back().entries.insert(batches.back().entries.end(), m.begin() + start,
                                      m.begin() + end);
      } else {
        batches.push_back({widths[b], std::vector<int64_t>(m.begin() + start, m.begin() + end)});
      }
    }
  }
  // A stream of its own, so the batch order does not repeat the entry order's draws.
  const auto permutation =
      shuffled_indices(static_cast<int64_t>(batches.size()), seed ^ 0xb0c4e75ull, epoch);
  std::vector<BucketBatch> shuffled;
  shuffled.reserve(batches.size());
  for (const int64_t i : permutation)
    shuffled.push_back(std::move(batches[static_cast<size_t>(i)]));
  return shuffled;
}

std::vector<std::vector<int64_t>> class_lengths(const torch::Tensor& content_frames,
                                                const torch::Tensor& labels, int classes,
                                                int64_t max_frames) {
  const torch::Tensor frames = content_frames.to(torch::kLong).contiguous();
  const torch::Tensor label = labels.to(torch::kLong).contiguous();
  std::vector<std::vector<int64_t>> out(static_cast<size_t>(std::max(classes, 0)));
  for (int64_t i = 0; i < frames.numel(); ++i) {
    const int64_t c = label.data_ptr<int64_t>()[i];
    if (c < 0 || c >= classes) {
      throw DataError("clip lengths: label " + std::to_string(c) + " outside [0, " +
                      std::to_string(classes) + ")");
    }
    out[static_cast<size_t>(c)].push_back(
        std::clamp<int64_t>(frames.data_ptr<int64_t>()[i], 1, max_frames));
  }
  for (auto& lengths : out) std::sort(lengths.begin(), lengths.end());
  return out;
}

}  // namespace audiogan
