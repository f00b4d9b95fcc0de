// GAN losses and the normalisation map, against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "train/losses.h"
#include "train/normalisation.h"

namespace audiogan {
namespace {

TEST(GanLosses, BceMatchesTheClosedForm) {
  auto real = torch::tensor({{0.0f, 2.0f}});
  auto fake = torch::tensor({{-1.0f, 0.0f}});
  auto softplus = [](double x) { return std::log1p(std::exp(x)); };
  const double expected_d =
      (softplus(-0.0) + softplus(-2.0)) / 2 + (softplus(-1.0) + softplus(0.0)) / 2;
  EXPECT_NEAR(discriminator_loss(GanLoss::Bce, real, fake).item<double>(), expected_d, 1e-6);
  const double expected_g = (softplus(1.0) + softplus(0.0)) / 2;
  EXPECT_NEAR(generator_loss(GanLoss::Bce, fake).item<double>(), expected_g, 1e-6);
}

TEST(GanLosses, HingeMatchesTheClosedForm) {
  auto real = torch::tensor({0.5f, 2.0f});   // margins 0.5, 0
  auto fake = torch::tensor({-2.0f, 0.5f});  // margins 0, 1.5
  EXPECT_NEAR(discriminator_loss(GanLoss::Hinge, real, fake).item<double>(), 0.25 + 0.75, 1e-6);
  EXPECT_NEAR(generator_loss(GanLoss::Hinge, fake).item<double>(), 0.75, 1e-6);
}

TEST(GanLosses, UnknownNameNamesTheFlag) {
  EXPECT_EQ(parse_gan_loss("hinge"), GanLoss::Hinge);
  try {
    parse_gan_loss("wgan");
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("--loss"), std::string::npos);
  }
}

TEST(Normalisation, MapsSilenceToMinusOneAndTheMaximumToOne) {
  auto data = torch::tensor({0.0f, 1.0f, 4.0f}).to(torch::kHalf);
  const Normalisation n = compute_normalisation(data);
  EXPECT_DOUBLE_EQ(n.high, 4.0);
  auto model = n.to_model(data);
  EXPECT_TRUE(torch::allclose(model, torch::tensor({-1.0f, -0.5f, 1.0f})));
  EXPECT_TRUE(torch::allclose(n.from_model(model), data.to(torch::kFloat)));
  // Below -1 (never from tanh, but from a careless caller) is still silence, not negative power.
  EXPECT_EQ(n.from_model(torch::tensor({-1.5f})).item<float>(), 0.0f);
}

TEST(Normalisation, StaysInvertibleOnAllSilentData) {
  const Normalisation n = compute_normalisation(torch::zeros({2, 3}));
  EXPECT_GT(n.high, n.low);
}

}  // namespace
}  // namespace audiogan
