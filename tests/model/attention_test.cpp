// SAGAN self-attention: identity at gamma = 0, normalised weights, permutation equivariance,
// gradients, and its place in every architecture.
#include <gtest/gtest.h>

#include "core/error.h"
#include "model/attention.h"
#include "model/autocast.h"
#include "model/gan_models.h"

namespace audiogan {
namespace {

SelfAttention2d block(int64_t channels, bool spectral_norm = false) {
  torch::manual_seed(11);
  return SelfAttention2d(SelfAttention2dOptions(channels).spectral_norm(spectral_norm));
}

TEST(SelfAttention2d, IsTheIdentityWhileGammaIsZero) {
  for (bool sn : {false, true}) {
    auto attention = block(16, sn);
    const auto x = torch::randn({3, 16, 4, 6});
    EXPECT_TRUE(torch::equal(attention->forward(x), x)) << "spectral norm " << sn;
  }
}

TEST(SelfAttention2d, WeightsOverPositionsSumToOne) {
  auto attention = block(8);
  const auto x = torch::randn({2, 8, 3, 5});
  const auto weights = attention->attention_map(x);  // [B, N, N]
  ASSERT_EQ(weights.sizes(), (std::vector<int64_t>{2, 15, 15}));
  EXPECT_TRUE(torch::allclose(weights.sum(-1), torch::ones({2, 15}), 1e-6, 1e-6));
  EXPECT_GE(weights.min().item<float>(), 0.0f);
  // Not uniform: the block does attend to some positions more than others.
  EXPECT_GT((weights.max() - weights.min()).item<float>(), 1e-3f);
}

// The block has no positional encoding, so shuffling positions shuffles its output alike.
TEST(SelfAttention2d, OutputIsEquivariantToAPermutationOfPositions) {
  auto attention = block(8);
  {
    torch::NoGradGuard no_grad;
    attention->gamma.fill_(0.7);
  }
  const auto x = torch::randn({2, 8, 4, 5});
  const auto permutation = torch::randperm(20, torch::kLong);
  auto shuffle = [&](const torch::Tensor& t) {
    return t.flatten(2).index_select(2, permutation).view({2, 8, 4, 5});
  };
  const auto expected = shuffle(attention->forward(x));
  const auto actual = attention->forward(shuffle(x));
  EXPECT_TRUE(torch::allclose(actual, expected, 1e-5, 1e-5));
  EXPECT_FALSE(torch::allclose(actual, shuffle(x), 1e-3, 1e-3));  // it did change the input
}

TEST(SelfAttention2d, GradientsReachGammaAndTheProjections) {
  auto attention = block(8);
  const auto x = torch::randn({2, 8, 3, 3});
  attention->forward(x).pow(2).sum().backward();
  // At gamma = 0 only gamma itself can move; the projections' gradients are scaled by gamma.
  EXPECT_GT(attention->gamma.grad().abs().item<float>(), 0.0f);
  attention->zero_grad();
  {
    torch::NoGradGuard no_grad;
    attention->gamma.fill_(0.5);
  }
  attention->forward(x).pow(2).sum().backward();
  for (const auto& p : attention->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<float>(), 0.0f) << p.key();
  }
}

TEST(SelfAttention2d, StaysFloat32InsideBf16Autocast) {
  auto attention = block(8);
  {
    torch::NoGradGuard no_grad;
    attention->gamma.fill_(1.0);
  }
  const auto x = torch::randn({2, 8, 4, 4});
  const auto reference = attention->forward(x);
  torch::Tensor mixed;
  {
    AutocastScope autocast(c10::DeviceType::CPU, /*enabled=*/true, at::kBFloat16);
    mixed = attention->forward(x.to(at::kBFloat16));
  }
  EXPECT_EQ(mixed.scalar_type(), at::kBFloat16);
  EXPECT_TRUE(torch::allclose(mixed.to(torch::kFloat), reference, 0.05, 0.05));
}

ModelSpec spec_with(const std::string& arch, std::vector<int> attention) {
  ModelSpec spec;
  spec.arch = arch;
  spec.num_classes = 3;
  spec.latent = 8;
  spec.width = 4;
  spec.n_mels = 32;
  spec.frames = 64;
  spec.attention = std::move(attention);
  return spec;
}

TEST(Attention, EveryArchitectureTakesABlockAtEachStageInGAndD) {
  for (const char* arch : {"seed", "default"}) {
    for (int rows : {16, 8, 4, 2}) {
      const auto spec = spec_with(arch, {rows});
      auto g = make_generator(spec);
      auto d = make_discriminator(spec);
      int blocks = 0;
      for (const auto& m : g->named_modules())
        blocks += m.key() == "attention" + std::to_string(rows);
      for (const auto& m : d->named_modules())
        blocks += m.key() == "attention" + std::to_string(rows);
      EXPECT_EQ(blocks, 2) << arch << " " << rows;
      const auto z = torch::randn({2, 8});
      const auto labels = torch::tensor({0, 2}, torch::kLong);
      const auto x = g->forward(z, labels);
      EXPECT_EQ(x.sizes(), (std::vector<int64_t>{2, 1, 32, 64}));
      EXPECT_EQ(d->forward(x, labels).size(0), 2);
    }
  }
}

TEST(Attention, AHeightThatIsNoStageIsAnErrorNamingTheFlag) {
  for (std::vector<int> rows :
       {std::vector<int>{32}, std::vector<int>{12}, std::vector<int>{8, 8}}) {
    try {
      make_generator(spec_with("default", rows));
      FAIL() << rows[0];
    } catch (const ConfigError& error) {
      EXPECT_NE(std::string(error.what()).find("--attention"), std::string::npos) << error.what();
    }
  }
}

TEST(Attention, MemoryEstimateGrowsWithTheSquareOfThePositions) {
  auto spec = spec_with("default", {8});
  const double small = attention_memory_bytes(spec, 32);
  spec.frames = 128;
  EXPECT_DOUBLE_EQ(attention_memory_bytes(spec, 32), 4 * small);
  EXPECT_DOUBLE_EQ(attention_memory_bytes(spec, 64), 8 * small);
  spec.attention = {};
  EXPECT_EQ(attention_memory_bytes(spec, 32), 0.0);
}

}  // namespace
}  // namespace audiogan
