// HiFi-GAN's modules: the three generator configurations make hop samples per frame in [-1, 1],
// their cost matches the paper's arithmetic, the discriminators have the reference's structure,
// the losses have their known values, and gradients reach every generator weight.
#include "vocoder/hifigan.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace audiogan {
namespace {

TEST(HifiGan, EveryConfigurationMakesHopSamplesPerFrame) {
  torch::NoGradGuard no_grad;
  for (const std::string name : {"v1", "v2", "v3"}) {
    const HifiGanConfig config = HifiGanConfig::named(name);
    EXPECT_EQ(config.hop(), 256) << name;
    HifiGanGenerator g(32, config);
    g->eval();
    const torch::Tensor audio = g->forward(torch::rand({2, 32, 3}) * 4);
    EXPECT_EQ(audio.sizes(), (std::vector<int64_t>{2, 3 * 256})) << name;
    EXPECT_LE(audio.abs().max().item<double>(), 1.0) << name;
  }
  EXPECT_THROW(HifiGanConfig::named("v4"), ConfigError);
}

TEST(HifiGan, AsAVocoderItServesItsHopOnly) {
  FrontendConfig frontend;
  frontend.n_mels = 32;
  HifiGanConfig config = HifiGanConfig::named("v3");
  config.upsample_initial_channel = 32;
  HifiGanVocoder vocoder(frontend, config);
  torch::NoGradGuard no_grad;
  EXPECT_EQ(vocoder->forward(torch::rand({1, 32, 5}), frontend).sizes(),
            (std::vector<int64_t>{1, 5 * 256}));
  EXPECT_EQ(vocoder->arch(), "hifigan");
  EXPECT_NEAR(vocoder->macs_per_frame(), hifigan_generator_macs_per_sample(32, config) * 256, 1);
  frontend.hop_length = 128;
  try {
    HifiGanVocoder other(frontend, config);
    FAIL() << "a hop-256 generator was built for hop 128";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("hop_length is 128"), std::string::npos) << message;
    EXPECT_NE(message.find("--arch vocos"), std::string::npos) << message;
  }
}

TEST(HifiGan, GeneratorCostMatchesThePapersArithmetic) {
  // About 26 GMAC per second of 22050 Hz audio for V1 at 80 mels; V2 has a quarter of the
  // channels (1/16 of the MACs in the residual blocks); V3 lies between.
  const double v1 = hifigan_generator_macs_per_sample(80, HifiGanConfig::named("v1")) * 22050;
  const double v2 = hifigan_generator_macs_per_sample(80, HifiGanConfig::named("v2")) * 22050;
  const double v3 = hifigan_generator_macs_per_sample(80, HifiGanConfig::named("v3")) * 22050;
  EXPECT_GT(v1, 24e9);
  EXPECT_LT(v1, 28e9);
  EXPECT_NEAR(v2 / v1, 1.0 / 16, 0.01);
  EXPECT_GT(v3, v2);
  EXPECT_LT(v3, v1);
}

TEST(HifiGan, DiscriminatorsHaveTheReferenceStructure) {
  torch::NoGradGuard no_grad;
  const torch::Tensor wave = torch::randn({2, 1, 1000}) * 0.1;
  MultiPeriodDiscriminator mpd;
  const DiscriminatorOutputs periods = mpd->forward(wave);
  ASSERT_EQ(periods.scores.size(), 5u);
  const std::vector<int64_t> expected_periods = {2, 3, 5, 7, 11};
  for (size_t i = 0; i < 5; ++i) {
    ASSERT_EQ(periods.features[i].size(), 6u);
    // Folded to [B, C, T / p, p]: the last dimension is the period (1000 padded to a multiple).
    EXPECT_EQ(periods.features[i][0].size(3), expected_periods[i]);
    EXPECT_EQ(periods.scores[i].size(0), 2);
  }
  MultiScaleDiscriminator msd;
  const DiscriminatorOutputs scales = msd->forward(wave);
  ASSERT_EQ(scales.scores.size(), 3u);
  for (const auto& features : scales.features) ASSERT_EQ(features.size(), 8u);
  // Each scale sees the waveform average-pooled by 2 once more.
  EXPECT_GT(scales.features[0][0].size(2), scales.features[1][0].size(2));
  EXPECT_GT(scales.features[1][0].size(2), scales.features[2][0].size(2));
}

TEST(HifiGan, LossesHaveTheirKnownValues) {
  DiscriminatorOutputs real, fake;
  real.scores = {torch::ones({2, 3}), torch::ones({2, 4})};
  fake.scores = {torch::zeros({2, 3}), torch::zeros({2, 4})};
  real.features = {{torch::ones({2, 5})}, {torch::zeros({2, 2})}};
  fake.features = {{torch::zeros({2, 5})}, {torch::zeros({2, 2})}};
  EXPECT_DOUBLE_EQ(hifigan_discriminator_loss(real, fake).item<double>(), 0.0);  // a perfect D
  EXPECT_DOUBLE_EQ(hifigan_generator_loss(fake).item<double>(), 2.0);            // (1 - 0)^2, twice
  EXPECT_DOUBLE_EQ(hifigan_generator_loss(real).item<double>(), 0.0);
  // 2 x (mean |1 - 0| + mean |0 - 0|)
  EXPECT_DOUBLE_EQ(feature_matching_loss(real, fake).item<double>(), 2.0);
  EXPECT_DOUBLE_EQ(feature_matching_loss(real, real).item<double>(), 0.0);
}

TEST(HifiGan, GeneratorLossesReachEveryGeneratorWeight) {
  torch::manual_seed(4);
  HifiGanGenerator g(16, HifiGanConfig::named("v2"));
  MultiPeriodDiscriminator mpd;
  const torch::Tensor real = torch::randn({1, 1, 512}) * 0.1;
  const torch::Tensor fake = g->forward(torch::rand({1, 16, 2})).unsqueeze(1);  // [1, 1, 512]
  const DiscriminatorOutputs on_real = mpd->forward(real);
  const DiscriminatorOutputs on_fake = mpd->forward(fake);
  (hifigan_generator_loss(on_fake) + feature_matching_loss(on_real, on_fake)).backward();
  for (const auto& p : g->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
  }
}

}  // namespace
}  // namespace audiogan
