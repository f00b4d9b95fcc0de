// k-means++ and Lloyd iterations in float64 on the CPU, with a portable random generator so
// the bins do not depend on the LibTorch version.
#include "eval/kmeans.h"

#include <algorithm>
#include <random>

#include "core/error.h"

namespace audiogan::eval {
namespace {

// Uniform in [0, 1) from a 64-bit Mersenne twister: the same on every platform.
double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Squared distances [N, K] between rows of x [N, D] and c [K, D].
torch::Tensor squared_distances(const torch::Tensor& x, const torch::Tensor& c) {
  const torch::Tensor xx = x.pow(2).sum(1, /*keepdim=*/true);  // [N, 1]
  const torch::Tensor cc = c.pow(2).sum(1).unsqueeze(0);       // [1, K]
  return (xx - 2.0 * x.matmul(c.t()) + cc).clamp_min(0.0);
}

}  // namespace

torch::Tensor nearest_centroid(const torch::Tensor& points, const torch::Tensor& centroids) {
  const torch::Tensor x = points.detach().to(torch::kCPU, torch::kFloat64);
  const torch::Tensor c = centroids.detach().to(torch::kCPU, torch::kFloat64);
  return squared_distances(x, c).argmin(1);
}

KMeans kmeans(const torch::Tensor& points, const KMeansOptions& options) {
  if (points.dim() != 2) {
    throw DataError("kmeans: expected points [N, D], got shape " + c10::str(points.sizes()));
  }
  const torch::Tensor x = points.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  const int64_t n = x.size(0);
  const int k = options.k;
  if (k < 1 || k > n) {
    throw DataError("kmeans: k must be in [1, " + std::to_string(n) +
                    "] (the number of points), got " + std::to_string(k));
  }
  std::mt19937_64 rng(options.seed);
  // k-means++: the first centre uniformly, each next one with probability proportional to the
  // squared distance to the nearest centre chosen so far.
  std::vector<int64_t> chosen;
  chosen.push_back(static_cast<int64_t>(uniform01(rng) * static_cast<double>(n)));
  torch::Tensor nearest = squared_distances(x, x[chosen[0]].unsqueeze(0)).squeeze(1);  // [N]
  while (static_cast<int>(chosen.size()) < k) {
    const double total = nearest.sum().item<double>();
    int64_t pick = 0;
    if (total <= 0.0) {
      // Every point coincides with a centre: take the first point not yet chosen.
      while (std::find(chosen.begin(), chosen.end(), pick) != chosen.end()) ++pick;
    } else {
      const torch::Tensor cumulative = nearest.cumsum(0);
      const double target = uniform01(rng) * total;
      pick = (cumulative <= target).sum().item<int64_t>();
      pick = std::min<int64_t>(pick, n - 1);
    }
    chosen.push_back(pick);
    const torch::Tensor d = squared_distances(x, x[pick].unsqueeze(0)).squeeze(1);
    nearest = torch::minimum(nearest, d);
  }
  torch::Tensor centroids =
      x.index_select(0, torch::tensor(chosen, torch::TensorOptions().dtype(torch::kInt64)))
          .clone();  // [K, D]

  KMeans result;
  torch::Tensor assignments = squared_distances(x, centroids).argmin(1);  // [N]
  for (int it = 0; it < options.iterations; ++it) {
    // Sum and count of the points of each cluster; an empty cluster keeps its centre.
    torch::Tensor sums = torch::zeros_like(centroids).index_add_(0, assignments, x);
    torch::Tensor counts = torch::zeros({k}, torch::kFloat64)
                               .index_add_(0, assignments, torch::ones({n}, torch::kFloat64));
    const torch::Tensor non_empty = (counts > 0).unsqueeze(1);
    centroids = torch::where(non_empty, sums / counts.clamp_min(1.0).unsqueeze(1), centroids);
    const torch::Tensor next = squared_distances(x, centroids).argmin(1);
    result.iterations_run = it + 1;
    const bool settled = next.equal(assignments);
    assignments = next;
    if (settled) break;
  }
  result.centroids = centroids;
  result.assignments = assignments;
  return result;
}

}  // namespace audiogan::eval
