// Mel inversion, Griffin-Lim and the whole log-mel -> audio path: round trips on real audio,
// invariants, and a comparison with torchaudio's griffinlim.
#include "dsp/vocoder.h"

#include <gtest/gtest.h>

#include "dsp/mel.h"
#include "dsp/stft.h"
#include "dsp_fixtures.h"

namespace audiogan::dsp {
namespace {

using audiogan::testing::dsp_fixture;

FrontendConfig default_frontend() {
  FrontendConfig config;
  config.frames = 0;
  return config;
}

torch::Tensor magnitude_of(const torch::Tensor& wave, const FrontendConfig& config) {
  return stft(wave.unsqueeze(0), config).abs().squeeze(0);  // [K, F]
}

// Squared mel-space error of a linear power estimate, relative to the target's energy.
double mel_error(const torch::Tensor& linear, const torch::Tensor& mel,
                 const FrontendConfig& config) {
  torch::Tensor fb = mel_filterbank(config);
  torch::Tensor rebuilt = torch::matmul(fb.t(), linear);
  return ((rebuilt - mel).norm() / mel.norm()).item<double>();
}

TEST(MelInverse, NnlsIsNonNegativeAndFitsBetterThanTheClampedPseudoInverse) {
  FrontendConfig config = default_frontend();
  torch::Tensor power = power_spectrogram(dsp_fixture("wave_drum_22050"), config);  // [K, F]
  torch::Tensor fb = mel_filterbank(config);
  torch::Tensor mel = torch::matmul(fb.t(), power);  // [M, F]
  torch::Tensor nnls = mel_to_linear(mel, config);
  torch::Tensor pinv = torch::matmul(torch::pinverse(fb.t()), mel).clamp_min(0);
  EXPECT_EQ(nnls.sizes(), power.sizes());
  EXPECT_GE(nnls.min().item<float>(), 0.0f);
  const double nnls_error = mel_error(nnls, mel, config);
  const double pinv_error = mel_error(pinv, mel, config);
  EXPECT_LT(nnls_error, 0.5 * pinv_error) << nnls_error << " vs " << pinv_error;
}

TEST(MelInverse, BatchGivesTheSameResultAsEachItemAlone) {
  FrontendConfig config = default_frontend();
  torch::Tensor mel =
      torch::expm1(log_mel(torch::stack({dsp_fixture("wave_drum_22050").slice(0, 0, 11025),
                                         dsp_fixture("wave_chirp_22050").slice(0, 0, 13230)}),
                           config));  // [2, M, F]
  torch::Tensor batched = mel_to_linear(mel, config);
  EXPECT_TRUE(torch::allclose(batched[1], mel_to_linear(mel[1], config), 1e-4, 1e-3));
}

TEST(GriffinLim, IsDeterministicGivenTheSeedAndDiffersForAnotherSeed) {
  FrontendConfig config = default_frontend();
  torch::Tensor magnitude = dsp_fixture("gl_magnitude");
  GriffinLimOptions options;
  options.iterations = 4;
  options.seed = 7;
  torch::Tensor a = griffin_lim(magnitude, config, options);
  torch::Tensor b = griffin_lim(magnitude, config, options);
  options.seed = 8;
  torch::Tensor c = griffin_lim(magnitude, config, options);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::allclose(a, c, 1e-3, 1e-4));
  EXPECT_EQ(a.size(0), (magnitude.size(1) - 1) * config.hop_length);
}

TEST(GriffinLim, MatchesTorchaudioGriffinlimWithZeroInit) {
  FrontendConfig config = default_frontend();
  torch::Tensor magnitude = dsp_fixture("gl_magnitude");
  for (double momentum : {0.99, 0.0}) {
    GriffinLimOptions options;
    options.random_init = false;
    options.momentum = momentum;
    torch::Tensor expected = dsp_fixture(momentum > 0 ? "gl_zero_init_m99" : "gl_zero_init_m0");
    torch::Tensor actual = griffin_lim(magnitude, config, options);
    ASSERT_EQ(actual.sizes(), expected.sizes());
    EXPECT_LT(audiogan::testing::relative_max_error(actual, expected), 1e-3) << momentum;
  }
}

TEST(GriffinLim, ZeroMomentumIsPlainAlternatingProjection) {
  FrontendConfig config = default_frontend();
  torch::Tensor magnitude = dsp_fixture("gl_magnitude").unsqueeze(0);  // [1, K, F]
  GriffinLimOptions options;
  options.random_init = false;
  options.momentum = 0.0;
  options.iterations = 3;
  const int64_t length = (magnitude.size(2) - 1) * config.hop_length;
  torch::Tensor angles = torch::ones_like(magnitude).to(torch::kComplexFloat);
  for (int i = 0; i < 3; ++i) {
    torch::Tensor rebuilt = stft(istft(magnitude * angles, config, length), config);
    angles = rebuilt / (rebuilt.abs() + 1e-16);
  }
  torch::Tensor expected = istft(magnitude * angles, config, length);
  EXPECT_TRUE(torch::allclose(griffin_lim(magnitude, config, options), expected, 1e-5, 1e-6));
}

TEST(GriffinLim, EachRowOfABatchEqualsThatRowAlone) {
  FrontendConfig config = default_frontend();
  torch::Tensor magnitude = dsp_fixture("gl_magnitude");                       // [K, F]
  torch::Tensor batch = torch::stack({magnitude, 0.5 * magnitude.flip({1})});  // [2, K, F]
  GriffinLimOptions options;
  options.random_init = false;  // the same initial phases for a row alone and in the batch
  options.iterations = 4;
  torch::Tensor together = griffin_lim(batch, config, options);  // [2, T]
  ASSERT_EQ(together.size(0), 2);
  for (int64_t row = 0; row < 2; ++row) {
    torch::Tensor alone = griffin_lim(batch[row], config, options);  // [T]
    EXPECT_TRUE(torch::allclose(together[row], alone, 1e-5, 1e-6)) << "row " << row;
  }
}

TEST(GriffinLim, MomentumConvergesFasterThanPlainGriffinLim) {
  FrontendConfig config = default_frontend();
  torch::Tensor magnitude = dsp_fixture("gl_magnitude");
  GriffinLimOptions options;
  options.momentum = 0.0;
  const double plain =
      spectral_convergence_db(magnitude, griffin_lim(magnitude, config, options), config);
  options.momentum = 0.99;
  const double fast =
      spectral_convergence_db(magnitude, griffin_lim(magnitude, config, options), config);
  EXPECT_LT(fast, plain - 1.0) << fast << " vs " << plain;
}

// Measured with the default settings: drum -9.9 dB, chirp -17.2 dB; the thresholds leave margin.
TEST(Vocoder, RoundTripOfRealDrumHitAndChirpReachesSpectralConvergence) {
  FrontendConfig config = default_frontend();
  for (const char* kind : {"drum", "chirp"}) {
    torch::Tensor wave = dsp_fixture(std::string("wave_") + kind + "_22050");
    torch::Tensor audio = log_mel_to_audio(log_mel(wave, config), config);
    const double sc = spectral_convergence_db(magnitude_of(wave, config), audio, config);
    RecordProperty(std::string("sc_db_") + kind, std::to_string(sc));
    EXPECT_LT(sc, kind == std::string("drum") ? -8.5 : -14.0) << kind << " " << sc;
  }
}

TEST(Vocoder, BatchedRoundTripHasTheDocumentedShape) {
  FrontendConfig config;
  config.frames = 64;
  torch::Tensor batch = torch::stack({dsp_fixture("wave_drum_22050").slice(0, 0, 8000),
                                      dsp_fixture("wave_chirp_22050").slice(0, 0, 8000)});
  GriffinLimOptions options;
  options.iterations = 2;
  torch::Tensor audio = log_mel_to_audio(log_mel(batch, config), config, options);
  EXPECT_EQ(audio.sizes(), (std::vector<int64_t>{2, 63 * 256}));
  EXPECT_TRUE(torch::isfinite(audio).all().item<bool>());
}

TEST(Vocoder, SilenceAndNegativeLogMelGiveSilence) {
  FrontendConfig config;
  config.frames = 16;
  torch::Tensor audio = log_mel_to_audio(-torch::ones({128, 16}), config);
  EXPECT_EQ(audio.abs().max().item<float>(), 0.0f);
}

TEST(SpectralConvergence, IsVeryLowForTheSignalItselfAndZeroDbForSilence) {
  FrontendConfig config = default_frontend();
  torch::Tensor wave = dsp_fixture("wave_chirp_22050");
  torch::Tensor magnitude = magnitude_of(wave, config);
  EXPECT_LT(spectral_convergence_db(magnitude, wave, config), -80.0);
  EXPECT_NEAR(spectral_convergence_db(magnitude, torch::zeros_like(wave), config), 0.0, 1e-9);
}

}  // namespace
}  // namespace audiogan::dsp
