// Fréchet distance between Gaussian summaries of embeddings.
#include "eval/frechet.h"

#include "core/error.h"

namespace audiogan::eval {

GaussianStats gaussian_stats(const torch::Tensor& embeddings) {
  if (embeddings.dim() != 2) {
    throw DataError("frechet: expected embeddings [N, D], got " + std::to_string(embeddings.dim()) +
                    " dimensions");
  }
  const torch::Tensor x = embeddings.detach().to(torch::kCPU, torch::kFloat64);  // [N, D]
  GaussianStats stats;
  stats.count = x.size(0);
  const int64_t d = x.size(1);
  if (stats.count == 0) {
    stats.mean = torch::zeros({d}, torch::kFloat64);
    stats.cov = torch::zeros({d, d}, torch::kFloat64);
    return stats;
  }
  stats.mean = x.mean(0);  // [D]
  if (stats.count < 2) {
    stats.cov = torch::zeros({d, d}, torch::kFloat64);
    return stats;
  }
  const torch::Tensor centred = x - stats.mean;                                    // [N, D]
  stats.cov = centred.t().matmul(centred) / static_cast<double>(stats.count - 1);  // [D, D]
  return stats;
}

torch::Tensor sqrtm_psd(const torch::Tensor& matrix) {
  const torch::Tensor m = matrix.to(torch::kFloat64);
  const torch::Tensor sym = 0.5 * (m + m.t());  // guard against asymmetric rounding
  auto [values, vectors] = at::linalg_eigh(sym);
  const torch::Tensor roots = values.clamp_min(0.0).sqrt();  // [D]
  return (vectors * roots.unsqueeze(0)).matmul(vectors.t());
}

double frechet_distance(const GaussianStats& a, const GaussianStats& b) {
  if (a.mean.numel() != b.mean.numel()) {
    throw DataError("frechet: embedding sizes differ: " + std::to_string(a.mean.numel()) + " vs " +
                    std::to_string(b.mean.numel()));
  }
  const double mean_term = (a.mean - b.mean).pow(2).sum().item<double>();
  const torch::Tensor root_a = sqrtm_psd(a.cov);
  const torch::Tensor inner = root_a.matmul(b.cov).matmul(root_a);  // S1^(1/2) S2 S1^(1/2)
  const torch::Tensor inner_sym = 0.5 * (inner + inner.t());
  const torch::Tensor eigenvalues = at::linalg_eigvalsh(inner_sym);
  const double trace_root = eigenvalues.clamp_min(0.0).sqrt().sum().item<double>();
  const double value =
      mean_term + a.cov.trace().item<double>() + b.cov.trace().item<double>() - 2.0 * trace_root;
  // Exact value is >= 0; rounding can leave a tiny negative number.
  return value < 0.0 ? 0.0 : value;
}

double frechet_distance(const torch::Tensor& a, const torch::Tensor& b) {
  return frechet_distance(gaussian_stats(a), gaussian_stats(b));
}

}  // namespace audiogan::eval
