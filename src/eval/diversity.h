// Diversity: the mean pairwise Euclidean distance between embeddings of one class. A generator
// that produces the same sound whatever the latent has near-zero diversity (mode collapse).
#pragma once

#include <torch/torch.h>

namespace audiogan::eval {

// embeddings [N, D] -> mean over the N(N-1)/2 pairs of ||e_i - e_j||_2; 0 when N < 2.
double mean_pairwise_distance(const torch::Tensor& embeddings);

// Mode collapse flag: generated diversity below `ratio` (default one half) of the real one.
inline bool is_mode_collapse(double generated, double real, double ratio = 0.5) {
  return real > 0.0 && generated < ratio * real;
}

}  // namespace audiogan::eval
