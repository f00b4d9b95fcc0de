// Inception Score from class probabilities: exp(E_x KL(p(y|x) || p(y))). Here the classifier is
// audiogan's own spectrogram classifier. ref: Salimans et al. 2016, "Improved Techniques for
// Training GANs"; the split averaging follows their released code.
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace audiogan::eval {

struct InceptionScore {
  double mean = 1.0;  // [1, C]: 1 = every prediction equal, C = confident and balanced
  double std = 0.0;   // across splits; 0 with one split
  int splits = 1;
};

// probabilities [N, C] (rows sum to 1, any floating dtype). The rows are cut into `splits`
// contiguous parts (clamped to [1, N]); the score is computed per part and averaged.
// Terms with p(y|x) = 0 contribute 0 (the limit of p log p).
InceptionScore inception_score(const torch::Tensor& probabilities, int splits = 1);

}  // namespace audiogan::eval
