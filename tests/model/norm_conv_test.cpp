// Weight normalisation and NormConv: the definition, the plain layer they start as, output
// lengths of the layouts HiFi-GAN uses, spectral normalisation's unit gain, gradients, errors.
#include <gtest/gtest.h>

#include "core/error.h"
#include "model/layers.h"

namespace audiogan {
namespace {

TEST(WeightNormalize, IsGTimesVOverItsNormPerFirstDimension) {
  torch::manual_seed(0);
  const torch::Tensor v = torch::randn({4, 3, 5});
  const torch::Tensor g = torch::rand({4, 1, 1}) + 0.5;
  const torch::Tensor w = weight_normalize(v, g);
  for (int64_t i = 0; i < 4; ++i) {
    const torch::Tensor expected = g[i] * v[i] / v[i].norm();
    EXPECT_TRUE(torch::allclose(w[i], expected, 1e-6, 1e-6)) << "row " << i;
    EXPECT_NEAR(w[i].norm().item<double>(), g[i].item<double>(), 1e-5);
  }
  // The direction alone comes from v: scaling it changes nothing.
  EXPECT_TRUE(torch::allclose(weight_normalize(3.0 * v, g), w, 1e-6, 1e-6));
}

TEST(NormConv, StartsAsThePlainLayerItNormalises) {
  torch::manual_seed(1);
  NormConv conv(NormConvOptions(6, 8, {3}).padding({2}).dilation({2}).groups(2));
  const torch::Tensor x = torch::randn({2, 6, 20});
  const torch::Tensor plain =
      torch::conv1d(x, conv->weight_v, conv->bias, {1}, {2}, {2}, /*groups=*/2);
  EXPECT_TRUE(torch::allclose(conv->forward(x), plain, 1e-5, 1e-6));
  EXPECT_EQ(conv->forward(x).sizes(), (std::vector<int64_t>{2, 8, 20}));
  EXPECT_EQ(conv->weight_g.sizes(), (std::vector<int64_t>{8, 1, 1}));
}

TEST(NormConv, TransposedAndTwoDimensionalLayoutsGiveHiFiGansLengths) {
  // ConvTranspose1d k 16, stride 8, padding 4: exactly 8x longer; its weight is [in, out, k]
  // and normalised per input channel.
  NormConv up(NormConvOptions(8, 4, {16}).stride({8}).padding({4}).transposed(true));
  EXPECT_EQ(up->forward(torch::randn({1, 8, 5})).sizes(), (std::vector<int64_t>{1, 4, 40}));
  EXPECT_EQ(up->weight_v.sizes(), (std::vector<int64_t>{8, 4, 16}));
  EXPECT_EQ(up->weight_g.sizes(), (std::vector<int64_t>{8, 1, 1}));
  // The period discriminator's (5, 1) kernel, stride (3, 1), padding (2, 0).
  NormConv period(NormConvOptions(1, 4, {5, 1}).stride({3, 1}).padding({2, 0}));
  EXPECT_EQ(period->forward(torch::randn({2, 1, 30, 7})).sizes(),
            (std::vector<int64_t>{2, 4, 10, 7}));
}

TEST(NormConv, SpectralNormGivesUnitLargestSingularValue) {
  torch::manual_seed(2);
  NormConv conv(NormConvOptions(4, 6, {5}).norm("spectral"));
  conv->train();
  const torch::Tensor x = torch::randn({1, 4, 16});
  for (int i = 0; i < 30; ++i) conv->forward(x);  // power iterations update u
  const torch::Tensor w = conv->normalized_weight().reshape({6, -1});
  const double sigma = std::get<1>(torch::linalg::svd(w, false, c10::nullopt)).max().item<double>();
  EXPECT_NEAR(sigma, 1.0, 0.02);
  EXPECT_FALSE(conv->weight_g.defined());
}

TEST(NormConv, GradientsReachTheMagnitudeAndTheDirection) {
  NormConv conv(NormConvOptions(3, 5, {3}).padding({1}));
  conv->forward(torch::randn({2, 3, 9})).square().sum().backward();
  for (const auto& p : conv->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
  }
}

TEST(NormConv, RejectsLayoutsItCannotRun) {
  EXPECT_THROW(NormConv(NormConvOptions(4, 4, {3, 3, 3})), ConfigError);
  EXPECT_THROW(NormConv(NormConvOptions(6, 8, {3}).groups(4)), ConfigError);
  EXPECT_THROW(NormConv(NormConvOptions(4, 4, {3, 1}).transposed(true)), ConfigError);
  EXPECT_THROW(NormConv(NormConvOptions(4, 4, {3}).norm("batch")), ConfigError);
}

}  // namespace
}  // namespace audiogan
