// How far two lists of weights are apart, relative to the second's largest magnitude: the
// tolerance measure of the data-parallel tests (ranks against --accumulate).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include <torch/torch.h>

namespace audiogan::dist_testing {

inline double relative_difference(const std::vector<torch::Tensor>& a,
                                  const std::vector<torch::Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  double diff = 0, scale = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    diff = std::max(diff, (a[i] - b[i]).abs().max().item<double>());
    scale = std::max(scale, b[i].abs().max().item<double>());
  }
  return diff / std::max(scale, 1e-12);
}

}  // namespace audiogan::dist_testing
