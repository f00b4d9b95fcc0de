// NDB: the number of statistically different bins. k-means on real training embeddings defines K
// bins; each bin's share of real and of generated samples is compared with a two-proportion
// z-test; NDB/K is the fraction of bins that differ. ref: Richardson & Weiss 2018, "On GANs and
// GMMs" (NeurIPS).
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "eval/kmeans.h"

namespace audiogan::eval {

struct NdbOptions {
  int k = 20;            // bins, [2, N_real]
  double alpha = 0.05;   // two-sided significance level, (0, 1)
  uint64_t seed = 0;     // k-means seeding
  int iterations = 100;  // Lloyd iterations at most
};

struct NdbResult {
  int k = 0;
  int different = 0;                    // bins whose shares differ at level alpha
  double ndb_over_k = 0.0;              // different / k, [0, 1]
  std::vector<double> real_share;       // [K], sums to 1
  std::vector<double> generated_share;  // [K], sums to 1
  std::vector<double> z;                // [K] z statistic (real - generated); 0 when undefined
  std::vector<bool> is_different;       // [K]
};

// real [N_real, D] training embeddings (they define the bins), generated [N_gen, D].
NdbResult ndb(const torch::Tensor& real, const torch::Tensor& generated, const NdbOptions& options);

// The test alone, for bins already defined: counts per bin of each sample.
NdbResult ndb_from_counts(const std::vector<int64_t>& real_counts,
                          const std::vector<int64_t>& generated_counts, double alpha);

// Two-sided critical value of the standard normal for level alpha (e.g. 1.95996 for 0.05).
double normal_critical_value(double alpha);

}  // namespace audiogan::eval
