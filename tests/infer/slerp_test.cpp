// slerp_path, the latent walk of `generate --interpolate`: endpoints, constant angular steps,
// norms kept between equal-norm endpoints, and the straight-line fallback.
#include <gtest/gtest.h>

#include <cmath>

#include "infer/sampler.h"

namespace audiogan {
namespace {

double angle(const torch::Tensor& a, const torch::Tensor& b) {
  const double c = (a / a.norm()).dot(b / b.norm()).item<double>();
  return std::acos(std::max(-1.0, std::min(1.0, c)));
}

TEST(SlerpPath, WalksTheGreatCircleInEqualAnglesFromAToB) {
  torch::manual_seed(3);
  const torch::Tensor a = torch::randn({100}, torch::kFloat64);
  torch::Tensor b = torch::randn({100}, torch::kFloat64);
  b = b * (a.norm() / b.norm());  // equal norms: every point keeps it
  const int steps = 7;
  const torch::Tensor path = slerp_path(a, b, steps);
  ASSERT_EQ(path.sizes(), (std::vector<int64_t>{steps, 100}));
  EXPECT_TRUE(torch::allclose(path[0], a, 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(path[steps - 1], b, 1e-9, 1e-9));
  const double total = angle(a, b);
  // An orthonormal basis of the plane of a and b (Gram-Schmidt).
  const torch::Tensor e1 = a / a.norm();
  torch::Tensor e2 = b - b.dot(e1) * e1;
  e2 = e2 / e2.norm();
  for (int i = 0; i < steps; ++i) {
    const torch::Tensor p = path[i];
    EXPECT_NEAR(p.norm().item<double>(), a.norm().item<double>(), 1e-9) << i;
    EXPECT_NEAR(angle(a, p), total * i / (steps - 1), 1e-9) << i;
    // On the plane of a and b: nothing is left after projecting onto it.
    const torch::Tensor off_plane = p - p.dot(e1) * e1 - p.dot(e2) * e2;
    EXPECT_LT(off_plane.norm().item<double>(), 1e-9) << i;
  }
  // The straight line would sag towards the origin midway: slerp does not.
  EXPECT_GT(path[steps / 2].norm().item<double>(), ((a + b) / 2).norm().item<double>() + 0.1);
}

TEST(SlerpPath, OneStepIsTheStartAndParallelEndsFallBackToTheLine) {
  const torch::Tensor a = torch::tensor({1.0, 2.0, 2.0}, torch::kFloat64);
  EXPECT_TRUE(torch::equal(slerp_path(a, 3 * a, 1)[0], a));
  const torch::Tensor line = slerp_path(a, 3 * a, 3);  // same direction: no circle to follow
  EXPECT_TRUE(torch::allclose(line[1], 2 * a));
  EXPECT_FALSE(torch::isnan(line).any().item<bool>());
}

}  // namespace
}  // namespace audiogan
