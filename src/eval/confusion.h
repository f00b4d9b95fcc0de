// Confusion matrix and conditional accuracy: how often the classifier assigns a generated sample
// to the class it was generated for.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace audiogan::eval {

struct Confusion {
  torch::Tensor matrix;           // [C, C] int64: row = intended class, column = predicted
  std::vector<int64_t> counts;    // [C] samples per intended class (row sums)
  std::vector<double> per_class;  // [C] diagonal / row sum; NaN for an empty row
  double overall = 0.0;           // trace / N
};

// intended [N] int64 and predicted [N] int64 in [0, C) -> the matrix and accuracies.
Confusion confusion(const torch::Tensor& intended, const torch::Tensor& predicted, int num_classes);

}  // namespace audiogan::eval
