// Tests of the shared layers: spectral norm, sub-pixel upsampling, conditional batch norm.
#include "model/layers.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "model/autocast.h"

namespace audiogan {
namespace {

double largest_singular_value(const torch::Tensor& weight) {
  const auto m = weight.detach().reshape({weight.size(0), -1}).to(torch::kDouble);
  return std::get<1>(torch::linalg_svd(m, /*full_matrices=*/false)).max().item<double>();
}

TEST(SpectralNorm, PowerIterationsBringTheLargestSingularValueToOne) {
  torch::manual_seed(0);
  SNConv2d conv(SNConv2dOptions(8, 16, 3).padding(1));
  {
    torch::NoGradGuard no_grad;
    conv->weight_orig.mul_(7.0);  // far from norm 1 before normalisation
  }
  EXPECT_GT(largest_singular_value(conv->weight_orig), 2.0);
  const auto x = torch::randn({2, 8, 6, 6});
  for (int i = 0; i < 30; ++i) conv->forward(x);  // training mode: u converges
  EXPECT_NEAR(largest_singular_value(conv->normalized_weight()), 1.0, 0.02);
}

TEST(SpectralNorm, EvalModeLeavesTheVectorUntouched) {
  SNLinear linear(SNLinearOptions(12, 5));
  linear->eval();
  const auto u_before = linear->u.clone();
  linear->forward(torch::randn({3, 12}));
  EXPECT_TRUE(torch::equal(u_before, linear->u));
  linear->train();
  linear->forward(torch::randn({3, 12}));
  EXPECT_FALSE(torch::equal(u_before, linear->u));
}

TEST(SpectralNorm, UnderBf16AutocastTheEstimateStaysFloat32AndGradientsFlow) {
  torch::manual_seed(1);
  SNConv2d conv(SNConv2dOptions(4, 8, 4).stride(2).padding(1));
  const auto x = torch::randn({2, 4, 8, 8});
  AutocastScope autocast(c10::DeviceType::CPU, true, at::kBFloat16);
  const auto y = conv->forward(x);
  EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
  EXPECT_EQ(conv->u.scalar_type(), torch::kFloat);
  y.to(torch::kFloat).sum().backward();
  ASSERT_TRUE(conv->weight_orig.grad().defined());
  EXPECT_TRUE(torch::isfinite(conv->weight_orig.grad()).all().item<bool>());
  EXPECT_TRUE(autocast_enabled(c10::DeviceType::CPU)) << "spectral norm must restore autocast";
}

// normalize(false) is a plain convolution / linear layer over the same parameters: scaling the
// weight scales the output, where spectral norm would divide the scale out.
TEST(SpectralNorm, TurnedOffTheLayersAreThePlainOnes) {
  torch::manual_seed(4);
  SNConv2d conv(SNConv2dOptions(4, 8, 3).padding(1).normalize(false));
  const auto x = torch::randn({2, 4, 6, 6});
  const auto u_before = conv->u.clone();
  EXPECT_TRUE(
      torch::allclose(conv->forward(x), torch::conv2d(x, conv->weight_orig, conv->bias, 1, 1)));
  EXPECT_TRUE(torch::equal(conv->normalized_weight(), conv->weight_orig));
  EXPECT_TRUE(torch::equal(u_before, conv->u)) << "no power iteration when off";
  SNLinear linear(SNLinearOptions(12, 5).bias(false).normalize(false));
  SNLinear normalised(SNLinearOptions(12, 5).bias(false));
  const auto v = torch::randn({3, 12});
  {
    torch::NoGradGuard no_grad;
    normalised->weight_orig.copy_(linear->weight_orig);
    linear->weight_orig.mul_(10.0);
    normalised->weight_orig.mul_(10.0);
  }
  EXPECT_TRUE(torch::allclose(linear->forward(v), torch::linear(v, linear->weight_orig)));
  // Spectral norm divides out the factor 10 (up to its one-step estimate of sigma); off keeps it.
  EXPECT_GT(linear->forward(v).abs().sum().item<double>(),
            2.0 * normalised->forward(v).abs().sum().item<double>());
}

TEST(SubPixelUpsample, DoublesBothAxesAndStartsAsNearestNeighbour) {
  torch::manual_seed(2);
  SubPixelUpsample up(3, 5);
  const auto x = torch::randn({2, 3, 4, 6});
  const auto y = up->forward(x);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 5, 8, 12}));
  // ICNR initialisation: the four sub-pixels of each 2x2 block are equal at the start.
  const auto blocks = y.unfold(2, 2, 2).unfold(3, 2, 2);  // [2, 5, 4, 6, 2, 2]
  const auto first = blocks.select(4, 0).select(4, 0).unsqueeze(-1).unsqueeze(-1);
  EXPECT_TRUE(torch::allclose(blocks, first.expand_as(blocks), 1e-5, 1e-6));
}

TEST(ConditionalBatchNorm, DifferentClassesGetDifferentScaleAndShift) {
  ConditionalBatchNorm2d norm(4, 3);
  {
    torch::NoGradGuard no_grad;
    norm->gamma->weight[1].fill_(2.0);
    norm->beta->weight[1].fill_(0.5);
  }
  const auto x = torch::randn({2, 4, 5, 5});
  const auto y = norm->forward(x, torch::tensor({0, 1}, torch::kLong));
  const auto normalised0 = y[0];
  const auto y1 = y[1];
  // Sample 1 went through the same normalisation, then x2 + 0.5.
  const auto base = torch::batch_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5, false);
  EXPECT_TRUE(torch::allclose(normalised0, base[0], 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(y1, base[1] * 2 + 0.5, 1e-4, 1e-5));
}

TEST(ConditionalBatchNorm, StatisticsGroupsTrainAndNormaliseApart) {
  torch::manual_seed(3);
  ConditionalBatchNorm2d norm(4, 2, /*stat_groups=*/3);
  ASSERT_EQ(norm->running_mean.sizes(), (std::vector<int64_t>{3, 4}));
  const auto labels = torch::tensor({0, 1}, torch::kLong);
  // Training: normalised by the batch's own statistics, whatever the group...
  const auto x = torch::randn({2, 4, 5, 6}) * 3 + 2;
  const auto base = torch::batch_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5, false);
  EXPECT_TRUE(torch::allclose(norm->forward(x, labels, 1), base, 1e-4, 1e-5));
  // ...and only that group's running statistics move (momentum 0.1 from 0 and 1).
  const auto mean = x.mean({0, 2, 3});
  const auto var = x.var({0, 2, 3}, /*unbiased=*/true);
  EXPECT_TRUE(torch::allclose(norm->running_mean[1], 0.1 * mean, 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(norm->running_var[1], 0.9 + 0.1 * var, 1e-4, 1e-5));
  for (const int64_t other : {0, 2}) {
    EXPECT_TRUE(torch::equal(norm->running_mean[other], torch::zeros({4})));
    EXPECT_TRUE(torch::equal(norm->running_var[other], torch::ones({4})));
  }
  // Evaluation: each group normalises with its own running statistics.
  norm->eval();
  const auto y = torch::randn({2, 4, 3, 3});
  const auto expected = (y - norm->running_mean[1].view({1, 4, 1, 1})) /
                        (norm->running_var[1].view({1, 4, 1, 1}) + 1e-5).sqrt();
  EXPECT_TRUE(torch::allclose(norm->forward(y, labels, 1), expected, 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(norm->forward(y, labels, 0), y / std::sqrt(1 + 1e-5), 1e-4, 1e-5));
  EXPECT_THROW(norm->forward(y, labels, 3), ConfigError);
  EXPECT_THROW(ConditionalBatchNorm2d(4, 2, 0), ConfigError);
}

TEST(ChannelsLast, ConversionKeepsValuesAndChangesOnlyTheLayout) {
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 4, 3)));
  const auto before = net->parameters()[0].clone();
  convert_to_channels_last(*net);
  const auto after = net->parameters()[0];
  EXPECT_TRUE(after.is_contiguous(at::MemoryFormat::ChannelsLast));
  EXPECT_TRUE(torch::equal(before, after));
}

}  // namespace
}  // namespace audiogan
