// Fréchet distance against closed forms.
#include "eval/frechet.h"

#include <gtest/gtest.h>

#include <cmath>

namespace audiogan::eval {
namespace {

GaussianStats analytic(const torch::Tensor& mean, const torch::Tensor& cov) {
  GaussianStats s;
  s.mean = mean.to(torch::kFloat64);
  s.cov = cov.to(torch::kFloat64);
  s.count = 1000000;
  return s;
}

TEST(Frechet, DistanceOfASetToItselfIsZero) {
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({500, 16});
  EXPECT_NEAR(frechet_distance(x, x), 0.0, 1e-8);
}

TEST(Frechet, SquareRootOfAPsdMatrixSquaresBack) {
  torch::manual_seed(2);
  const torch::Tensor a = torch::randn({8, 8}, torch::kFloat64);
  const torch::Tensor psd = a.matmul(a.t());
  const torch::Tensor root = sqrtm_psd(psd);
  EXPECT_TRUE(torch::allclose(root.matmul(root), psd, 1e-9, 1e-9));
  EXPECT_TRUE(torch::allclose(root, root.t()));
}

TEST(Frechet, CommutingCovariancesMatchTheClosedForm) {
  // S1 = R diag(a) R^T, S2 = R diag(b) R^T: FD = |mu1-mu2|^2 + sum (sqrt(a_i) - sqrt(b_i))^2.
  torch::manual_seed(3);
  const torch::Tensor q = std::get<0>(at::linalg_qr(torch::randn({4, 4}, torch::kFloat64)));
  const torch::Tensor a = torch::tensor({1.0, 2.0, 3.0, 4.0}, torch::kFloat64);
  const torch::Tensor b = torch::tensor({4.0, 1.0, 0.5, 9.0}, torch::kFloat64);
  const torch::Tensor s1 = q.matmul(torch::diag(a)).matmul(q.t());
  const torch::Tensor s2 = q.matmul(torch::diag(b)).matmul(q.t());
  const torch::Tensor m1 = torch::tensor({0.0, 1.0, 2.0, 3.0}, torch::kFloat64);
  const torch::Tensor m2 = torch::tensor({1.0, 1.0, 0.0, 3.0}, torch::kFloat64);
  const double expected =
      (m1 - m2).pow(2).sum().item<double>() + (a.sqrt() - b.sqrt()).pow(2).sum().item<double>();
  EXPECT_NEAR(frechet_distance(analytic(m1, s1), analytic(m2, s2)), expected, 1e-9);
}

TEST(Frechet, NonCommutingCovariancesMatchTheTwoByTwoSquareRootFormula) {
  // For a 2x2 matrix M with non-negative eigenvalues, tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)).
  const torch::Tensor s1 = torch::tensor({{2.0, 0.5}, {0.5, 1.0}}, torch::kFloat64);
  const torch::Tensor s2 = torch::tensor({{1.0, -0.3}, {-0.3, 3.0}}, torch::kFloat64);
  const torch::Tensor m = s1.matmul(s2);
  const double tr_root =
      std::sqrt(m.trace().item<double>() + 2.0 * std::sqrt(m.det().item<double>()));
  const torch::Tensor mu1 = torch::tensor({0.5, -1.0}, torch::kFloat64);
  const torch::Tensor mu2 = torch::tensor({0.0, 1.0}, torch::kFloat64);
  const double expected = (mu1 - mu2).pow(2).sum().item<double>() + s1.trace().item<double>() +
                          s2.trace().item<double>() - 2.0 * tr_root;
  EXPECT_NEAR(frechet_distance(analytic(mu1, s1), analytic(mu2, s2)), expected, 1e-10);
}

TEST(Frechet, LargeSamplesApproachTheAnalyticDistance) {
  torch::manual_seed(4);
  const int d = 3;
  const torch::Tensor l1 =
      torch::tensor({{1.0, 0.0, 0.0}, {0.5, 1.0, 0.0}, {0.2, -0.3, 0.7}}, torch::kFloat64);
  const torch::Tensor l2 =
      torch::tensor({{0.6, 0.0, 0.0}, {-0.4, 1.2, 0.0}, {0.1, 0.3, 1.1}}, torch::kFloat64);
  const torch::Tensor mu1 = torch::zeros({d}, torch::kFloat64);
  const torch::Tensor mu2 = torch::tensor({1.0, 0.0, -0.5}, torch::kFloat64);
  const torch::Tensor x = torch::randn({200000, d}, torch::kFloat64).matmul(l1.t()) + mu1;
  const torch::Tensor y = torch::randn({200000, d}, torch::kFloat64).matmul(l2.t()) + mu2;
  const double exact =
      frechet_distance(analytic(mu1, l1.matmul(l1.t())), analytic(mu2, l2.matmul(l2.t())));
  EXPECT_GT(exact, 1.0);
  EXPECT_NEAR(frechet_distance(x, y), exact, 0.02 * exact);
}

TEST(Frechet, StatisticsUseTheUnbiasedCovariance) {
  const torch::Tensor x = torch::tensor({{1.0}, {3.0}}, torch::kFloat64);
  const GaussianStats s = gaussian_stats(x);
  EXPECT_DOUBLE_EQ(s.mean.item<double>(), 2.0);
  EXPECT_DOUBLE_EQ(s.cov.item<double>(), 2.0);
  EXPECT_EQ(s.count, 2);
}

}  // namespace
}  // namespace audiogan::eval
