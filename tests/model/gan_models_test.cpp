// Tests of both architectures behind make_generator / make_discriminator: shapes, label
// conditioning, bf16 autocast, save/load and spec validation.
#include "model/gan_models.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "model/autocast.h"

namespace audiogan {
namespace {

ModelSpec small_spec(const std::string& arch, int n_mels = 32, int frames = 64) {
  ModelSpec spec;
  spec.arch = arch;
  spec.num_classes = 3;
  spec.latent = 16;
  spec.width = 4;
  spec.n_mels = n_mels;
  spec.frames = frames;
  return spec;
}

class GanModels : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { torch::manual_seed(0); }
};

TEST_P(GanModels, GeneratorOutputsOneChannelSpectrogramsInTanhRange) {
  for (auto [n_mels, frames] : {std::pair{32, 64}, std::pair{48, 16}, std::pair{128, 512}}) {
    const auto spec = small_spec(GetParam(), n_mels, frames);
    auto g = make_generator(spec);
    const auto out =
        g->forward(torch::randn({2, spec.latent}), torch::tensor({0, 2}, torch::kLong));
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 1, n_mels, frames}));
    EXPECT_LE(out.abs().max().item<float>(), 1.0f);
  }
}

TEST_P(GanModels, DiscriminatorReturnsOneRowOfLogitsPerSample) {
  const auto spec = small_spec(GetParam(), 48, 80);
  auto d = make_discriminator(spec);
  const auto logits = d->forward(torch::rand({3, 1, 48, 80}) * 2 - 1, torch::tensor({0, 1, 2}));
  ASSERT_EQ(logits.dim(), 2);
  EXPECT_EQ(logits.size(0), 3);
  // seed: PatchGAN map (48/16-1) x (80/16-1) = 2 x 4; default: one projection score.
  EXPECT_EQ(logits.size(1), GetParam() == "seed" ? 8 : 1);
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

TEST_P(GanModels, ChangingTheLabelChangesTheGeneratorOutput) {
  const auto spec = small_spec(GetParam());
  auto g = make_generator(spec);
  g->eval();  // batch statistics would otherwise mix the two samples
  const auto z = torch::randn({1, spec.latent});
  const auto a = g->forward(z, torch::tensor({0}, torch::kLong));
  const auto b = g->forward(z, torch::tensor({1}, torch::kLong));
  EXPECT_GT((a - b).abs().max().item<float>(), 1e-4f);
}

TEST_P(GanModels, Bf16AutocastForwardAndBackwardStayFinite) {
  const auto spec = small_spec(GetParam());
  auto g = make_generator(spec);
  auto d = make_discriminator(spec);
  const auto labels = torch::tensor({0, 1, 2, 1}, torch::kLong);
  {
    AutocastScope autocast(c10::DeviceType::CPU, true, at::kBFloat16);
    const auto fake = g->forward(torch::randn({4, spec.latent}), labels);
    const auto logits = d->forward(fake, labels);
    EXPECT_EQ(logits.scalar_type(), torch::kFloat) << "logits should come back in float32";
    torch::binary_cross_entropy_with_logits(logits, torch::ones_like(logits)).backward();
  }
  EXPECT_FALSE(autocast_enabled(c10::DeviceType::CPU)) << "scope must restore the state";
  for (const auto& p : g->parameters()) {
    ASSERT_TRUE(p.grad().defined());
    EXPECT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
  }
  for (const auto& p : d->parameters()) EXPECT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
}

TEST_P(GanModels, SaveAndLoadRoundTripGivesIdenticalOutputs) {
  const auto spec = small_spec(GetParam());
  auto g = make_generator(spec);
  auto d = make_discriminator(spec);
  const auto labels = torch::tensor({0, 2}, torch::kLong);
  // A training-mode pass moves BatchNorm statistics and spectral-norm vectors away from their
  // initial values, so the round trip has to carry buffers, not only parameters.
  g->forward(torch::randn({2, spec.latent}), labels);
  d->forward(torch::randn({2, 1, spec.n_mels, spec.frames}), labels);
  g->eval();
  d->eval();
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("gan_models_roundtrip_" + GetParam() + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  torch::save(g, (dir / "g.pt").string());
  torch::save(d, (dir / "d.pt").string());

  torch::manual_seed(123);  // different initial weights
  auto g2 = make_generator(spec);
  auto d2 = make_discriminator(spec);
  torch::load(g2, (dir / "g.pt").string());
  torch::load(d2, (dir / "d.pt").string());
  g2->eval();
  d2->eval();
  const auto z = torch::randn({2, spec.latent});
  const auto x = torch::randn({2, 1, spec.n_mels, spec.frames});
  EXPECT_TRUE(torch::equal(g->forward(z, labels), g2->forward(z, labels)));
  EXPECT_TRUE(torch::equal(d->forward(x, labels), d2->forward(x, labels)));
  std::filesystem::remove_all(dir);
}

TEST_P(GanModels, SizesNotDivisibleBySixteenAreConfigErrorsNamingTheSetting) {
  auto spec = small_spec(GetParam());
  spec.frames = 100;
  try {
    make_generator(spec);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--frames"), std::string::npos) << e.what();
  }
  spec.frames = 64;
  spec.n_mels = 40;
  EXPECT_THROW(make_discriminator(spec), ConfigError);
}

TEST_P(GanModels, WrongInputShapesAreDataErrors) {
  const auto spec = small_spec(GetParam());
  auto g = make_generator(spec);
  auto d = make_discriminator(spec);
  EXPECT_THROW(g->forward(torch::randn({2, spec.latent + 1}), torch::tensor({0, 1})), DataError);
  EXPECT_THROW(g->forward(torch::randn({2, spec.latent}), torch::tensor({0, 3})), DataError);
  EXPECT_THROW(d->forward(torch::randn({2, 1, 16, spec.frames}), torch::tensor({0, 1})), DataError);
}

INSTANTIATE_TEST_SUITE_P(BothArchs, GanModels, ::testing::Values("seed", "default"));

// Spectral norm divides a layer's scale out: with it, scaling every weight of the default D
// leaves its logits as they were (eval mode, so the power-iteration vectors stay put); without
// it (spec.spectral_norm = false, --spectral-norm off) the logits change.
TEST(GanModelSpectralNorm, OnlyTheNormalisedDefaultDIgnoresTheScaleOfItsWeights) {
  for (const bool normalised : {true, false}) {
    torch::manual_seed(5);
    auto spec = small_spec("default");
    spec.spectral_norm = normalised;
    auto d = make_discriminator(spec);
    d->eval();
    const auto x = torch::randn({2, 1, spec.n_mels, spec.frames});
    const auto labels = torch::tensor({0, 2}, torch::kLong);
    const auto before = d->forward(x, labels);
    {
      torch::NoGradGuard no_grad;
      for (auto& p : d->named_parameters()) {
        if (p.key().find("weight") != std::string::npos || p.key() == "class_embed")
          p.value().mul_(2.0);
      }
    }
    const auto after = d->forward(x, labels);
    if (normalised) {
      EXPECT_TRUE(torch::allclose(before, after, 1e-4, 1e-5)) << before << after;
    } else {
      EXPECT_FALSE(torch::allclose(before, after, 1e-2, 1e-3)) << before << after;
    }
  }
}

TEST(GanModelFactory, UnknownArchIsAConfigErrorListingTheChoices) {
  ModelSpec spec;
  spec.arch = "wavegan";
  try {
    make_generator(spec);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("seed"), std::string::npos) << e.what();
  }
}

TEST(GanModelFlops, SeedArchCountMatchesTheLayerShapesByHand) {
  ModelSpec spec;
  spec.arch = "seed";
  spec.num_classes = 10;
  const auto flops = count_flops(spec, /*batch=*/1);
  // G: Linear 110 -> 512*8*32, then ConvT 512->256 @8x32, 256->128 @16x64, 128->64 @32x128,
  // 64->1 @64x256 (inputs), each 2 * in * out * 16 per input pixel.
  const double g =
      2.0 * 110 * 512 * 256 +
      2.0 * 16 * (512.0 * 256 * 256 + 256.0 * 128 * 1024 + 128.0 * 64 * 4096 + 64.0 * 1 * 16384);
  EXPECT_DOUBLE_EQ(flops.generator_forward, g);
  EXPECT_DOUBLE_EQ(count_flops(spec, 32).discriminator_forward, 32 * flops.discriminator_forward);
  EXPECT_GT(flops.training_step(), 3 * flops.generator_forward);
}

}  // namespace
}  // namespace audiogan
