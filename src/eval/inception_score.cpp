// Inception Score.
#include "eval/inception_score.h"

#include <cmath>

#include "core/error.h"

namespace audiogan::eval {
namespace {

// One part: rows [n, C] float64 -> exp(mean KL(p(y|x) || p(y))).
double score_of(const torch::Tensor& p) {
  const torch::Tensor marginal = p.mean(0, /*keepdim=*/true);  // [1, C]
  // p log(p / p_y), with 0 log 0 = 0; p_y > 0 wherever p > 0.
  const torch::Tensor ratio = torch::where(p > 0, p / marginal, torch::ones_like(p));
  const torch::Tensor kl = (p * ratio.log()).sum(1);  // [n]
  return std::exp(kl.mean().item<double>());
}

}  // namespace

InceptionScore inception_score(const torch::Tensor& probabilities, int splits) {
  if (probabilities.dim() != 2 || probabilities.size(0) == 0) {
    throw DataError("inception score: expected probabilities [N, C] with N > 0, got shape " +
                    c10::str(probabilities.sizes()));
  }
  const torch::Tensor p = probabilities.detach().to(torch::kCPU, torch::kFloat64);
  const int64_t n = p.size(0);
  const int parts = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(splits, n)));
  std::vector<double> scores;
  for (int i = 0; i < parts; ++i) {
    const int64_t begin = n * i / parts;
    const int64_t end = n * (i + 1) / parts;
    scores.push_back(score_of(p.slice(0, begin, end)));
  }
  InceptionScore result;
  result.splits = parts;
  double sum = 0.0;
  for (double s : scores) sum += s;
  result.mean = sum / parts;
  double var = 0.0;
  for (double s : scores) var += (s - result.mean) * (s - result.mean);
  result.std = std::sqrt(var / parts);  // population std, as numpy's default in the reference
  return result;
}

}  // namespace audiogan::eval
