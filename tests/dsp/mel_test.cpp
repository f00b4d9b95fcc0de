// The log-mel front end against torchaudio 0.13 fixtures, plus edge cases.
#include "dsp/mel.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "dsp_fixtures.h"

namespace audiogan::dsp {
namespace {

using audiogan::testing::dsp_fixture;
using audiogan::testing::kFixtureSettings;
using audiogan::testing::relative_max_error;

constexpr double kParity = 1e-4;  // of the maximum value, as the front end promises

TEST(MelFrontEnd, FilterbankMatchesTorchaudioForEverySetting) {
  for (const auto& setting : kFixtureSettings) {
    torch::Tensor expected = dsp_fixture(std::string("fb_") + setting.name);
    torch::Tensor actual = mel_filterbank(setting.config);
    ASSERT_EQ(actual.sizes(), expected.sizes()) << setting.name;
    const double error = relative_max_error(actual, expected);
    RecordProperty(std::string("fb_") + setting.name, std::to_string(error));
    EXPECT_LT(error, kParity) << setting.name;
  }
}

TEST(MelFrontEnd, LogMelOfRealDrumAndChirpMatchesTorchaudioForEverySetting) {
  for (const auto& setting : kFixtureSettings) {
    for (const char* kind : {"drum", "chirp"}) {
      torch::Tensor wave = dsp_fixture(std::string("wave_") + kind + "_" +
                                       std::to_string(setting.config.sample_rate));
      torch::Tensor expected = dsp_fixture(std::string("logmel_") + setting.name + "_" + kind);
      torch::Tensor actual = log_mel(wave, setting.config);
      ASSERT_EQ(actual.sizes(), expected.sizes()) << setting.name << " " << kind;
      const double error = relative_max_error(actual, expected);
      RecordProperty(std::string(setting.name) + "_" + kind, std::to_string(error));
      EXPECT_LT(error, kParity) << setting.name << " " << kind;
    }
  }
}

TEST(MelFrontEnd, BatchedLogMelMatchesTorchaudioAndEachItemAlone) {
  for (const auto& setting : kFixtureSettings) {
    const std::string rate = std::to_string(setting.config.sample_rate);
    torch::Tensor batch = torch::stack({dsp_fixture("wave_drum_" + rate).slice(0, 0, 8000),
                                        dsp_fixture("wave_chirp_" + rate).slice(0, 0, 8000)});
    torch::Tensor expected = dsp_fixture(std::string("logmel_") + setting.name + "_batch");
    torch::Tensor actual = log_mel(batch, setting.config);  // [2, n_mels, F]
    ASSERT_EQ(actual.sizes(), expected.sizes()) << setting.name;
    EXPECT_LT(relative_max_error(actual, expected), kParity) << setting.name;
    EXPECT_TRUE(torch::allclose(actual[1], log_mel(batch[1], setting.config), 1e-5, 1e-6));
  }
}

TEST(MelFrontEnd, SilenceGivesZeroLogMelOfTheDocumentedShape) {
  FrontendConfig config;
  config.frames = 0;
  torch::Tensor out = log_mel(torch::zeros({22050}), config);
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{128, 1 + 22050 / 256}));
  EXPECT_EQ(out.abs().max().item<float>(), 0.0f);
}

TEST(MelFrontEnd, SignalShorterThanOneFftGivesFiniteFramesOfTheDocumentedCount) {
  FrontendConfig config;
  config.frames = 0;
  for (int64_t length : {0, 1, 300, 512, 513, 1000}) {
    torch::Tensor wave = torch::sin(torch::arange(length, torch::kFloat32) * 0.3 + 1.0);
    torch::Tensor out = log_mel(wave, config);
    EXPECT_EQ(out.size(1), 1 + length / 256) << length;
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>()) << length;
    if (length > 0) {
      EXPECT_GT(out.max().item<float>(), 0.0f) << length;
    }
  }
}

TEST(MelFrontEnd, FramesSettingPadsWithSilenceOrTruncates) {
  FrontendConfig config;
  torch::Tensor wave = dsp_fixture("wave_drum_22050");
  config.frames = 0;
  torch::Tensor full = log_mel(wave, config);
  config.frames = 512;
  torch::Tensor padded = log_mel(wave, config);
  ASSERT_EQ(padded.size(1), 512);
  EXPECT_TRUE(torch::equal(padded.slice(1, 0, full.size(1)), full));
  EXPECT_EQ(padded.slice(1, full.size(1)).abs().max().item<float>(), 0.0f);
  config.frames = 10;
  EXPECT_TRUE(torch::equal(log_mel(wave, config), full.slice(1, 0, 10)));
}

TEST(MelFrontEnd, PowerSpectrogramOfASineConcentratesAtItsBin) {
  FrontendConfig config;
  const double bin = 100;  // frequency = bin * sr / n_fft
  torch::Tensor t = torch::arange(8192, torch::kFloat64) / config.sample_rate;
  torch::Tensor wave = torch::sin(2 * M_PI * bin * config.sample_rate / config.n_fft * t);
  torch::Tensor power = power_spectrogram(wave.to(torch::kFloat32), config);
  EXPECT_EQ(power.size(0), 513);
  EXPECT_EQ(power.slice(1, 4, 20).sum(1).argmax().item<int64_t>(), 100);
}

TEST(MelFrontEnd, RejectsAnUnknownMelScale) {
  FrontendConfig config;
  config.mel_scale = "bark";
  EXPECT_THROW(mel_filterbank(config), ConfigError);
}

}  // namespace
}  // namespace audiogan::dsp
