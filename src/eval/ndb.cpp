// NDB/K with a pooled two-proportion z-test per bin.
#include "eval/ndb.h"

#include <cmath>

#include "core/error.h"

namespace audiogan::eval {
namespace {

// Inverse of the standard normal CDF by bisection on erfc: accurate to ~1e-12, no tables.
double normal_quantile_upper(double tail) {
  double lo = 0.0;
  double hi = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    const double upper = 0.5 * std::erfc(mid / std::sqrt(2.0));  // P(Z > mid)
    if (upper > tail) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

std::vector<int64_t> bin_counts(const torch::Tensor& assignments, int k) {
  const torch::Tensor counts = torch::bincount(assignments, /*weights=*/{}, /*minlength=*/k);
  std::vector<int64_t> out(k);
  for (int i = 0; i < k; ++i) out[i] = counts[i].item<int64_t>();
  return out;
}

}  // namespace

double normal_critical_value(double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw ConfigError("ndb: alpha must be in (0, 1), got " + std::to_string(alpha));
  }
  return normal_quantile_upper(alpha / 2.0);
}

NdbResult ndb_from_counts(const std::vector<int64_t>& real_counts,
                          const std::vector<int64_t>& generated_counts, double alpha) {
  if (real_counts.size() != generated_counts.size() || real_counts.empty()) {
    throw DataError("ndb: bin counts differ in length or are empty");
  }
  const double critical = normal_critical_value(alpha);
  const int k = static_cast<int>(real_counts.size());
  double n1 = 0.0;
  double n2 = 0.0;
  for (int i = 0; i < k; ++i) {
    n1 += static_cast<double>(real_counts[i]);
    n2 += static_cast<double>(generated_counts[i]);
  }
  if (n1 <= 0.0 || n2 <= 0.0) throw DataError("ndb: a sample has no points");
  NdbResult result;
  result.k = k;
  for (int i = 0; i < k; ++i) {
    const double p1 = real_counts[i] / n1;
    const double p2 = generated_counts[i] / n2;
    const double pooled = (real_counts[i] + generated_counts[i]) / (n1 + n2);
    const double se = std::sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2));
    const double z = se > 0.0 ? (p1 - p2) / se : 0.0;
    const bool different = std::abs(z) > critical;
    result.real_share.push_back(p1);
    result.generated_share.push_back(p2);
    result.z.push_back(z);
    result.is_different.push_back(different);
    result.different += different ? 1 : 0;
  }
  result.ndb_over_k = static_cast<double>(result.different) / k;
  return result;
}

NdbResult ndb(const torch::Tensor& real, const torch::Tensor& generated,
              const NdbOptions& options) {
  if (options.k < 2)
    throw ConfigError("ndb: k must be at least 2, got " + std::to_string(options.k));
  KMeansOptions km;
  km.k = options.k;
  km.seed = options.seed;
  km.iterations = options.iterations;
  const KMeans clusters = kmeans(real, km);
  const torch::Tensor generated_bins = nearest_centroid(generated, clusters.centroids);
  return ndb_from_counts(bin_counts(clusters.assignments, options.k),
                         bin_counts(generated_bins, options.k), options.alpha);
}

}  // namespace audiogan::eval
