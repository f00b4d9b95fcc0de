// Mean pairwise distance.
#include "eval/diversity.h"

#include "core/error.h"

namespace audiogan::eval {

double mean_pairwise_distance(const torch::Tensor& embeddings) {
  if (embeddings.dim() != 2) {
    throw DataError("diversity: expected embeddings [N, D], got shape " +
                    c10::str(embeddings.sizes()));
  }
  if (embeddings.size(0) < 2) return 0.0;
  const torch::Tensor x = embeddings.detach().to(torch::kCPU, torch::kFloat64);
  return torch::pdist(x).mean().item<double>();  // upper triangle, N(N-1)/2 distances
}

}  // namespace audiogan::eval
