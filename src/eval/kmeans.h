// Deterministic k-means (k-means++ seeding, Lloyd iterations) on embeddings, used to define the
// bins of NDB. ref: Arthur & Vassilvitskii 2007 (k-means++).
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace audiogan::eval {

struct KMeansOptions {
  int k = 20;            // [1, N]
  int iterations = 100;  // Lloyd iterations at most; stops earlier when assignments settle
  uint64_t seed = 0;     // the seeding is deterministic given the seed
};

struct KMeans {
  torch::Tensor centroids;    // [K, D] float64
  torch::Tensor assignments;  // [N] int64, the nearest centroid of each input row
  int iterations_run = 0;
};

// points [N, D] (any floating dtype) -> clusters. Throws DataError when k is not in [1, N].
KMeans kmeans(const torch::Tensor& points, const KMeansOptions& options);

// points [N, D] -> index of the nearest centroid [N] int64 (squared Euclidean distance).
torch::Tensor nearest_centroid(const torch::Tensor& points, const torch::Tensor& centroids);

}  // namespace audiogan::eval
