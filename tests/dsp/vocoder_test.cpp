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
using audiogan::testing::whole_clip_frontend;

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
  FrontendConfig config = whole_clip_frontend();
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

// The fused CPU loop and the tensor form (what a GPU, or autograd, runs) are the same FISTA.
TEST(MelInverse, CpuLoopEqualsTheTensorForm) {
  FrontendConfig config = whole_clip_frontend();
  torch::Tensor mel = torch::expm1(log_mel(dsp_fixture("wave_drum_22050"), config));  // [M, F]
  torch::Tensor fused = mel_to_linear(mel, config);
  torch::Tensor tensor_form = mel_to_linear(mel.clone().requires_grad_(), config).detach();
  EXPECT_TRUE(torch::allclose(fused, tensor_form, 1e-3, 1e-4 * fused.max().item<double>()));
}

// At the solution the projected gradient of 0.5 ||fb^T X - M||^2 is near zero: small where
// X > 0, and not negative (no descent left) where X = 0; far smaller than at the start.
TEST(MelInverse, NnlsMeetsItsOptimalityConditions) {
  FrontendConfig config = whole_clip_frontend();
  torch::Tensor fb = mel_filterbank(config);
  torch::Tensor mel = torch::expm1(log_mel(dsp_fixture("wave_chirp_22050"), config));
  const auto projected_gradient = [&](const torch::Tensor& x) {
    torch::Tensor g = torch::matmul(fb, torch::matmul(fb.t(), x) - mel);
    return torch::where(x > 0, g, g.clamp_max(0.0));
  };
  torch::Tensor start = torch::matmul(torch::pinverse(fb.t()), mel).clamp_min(0);
  const double before = projected_gradient(start).norm().item<double>();
  const double after = projected_gradient(mel_to_linear(mel, config)).norm().item<double>();
  EXPECT_LT(after, 0.05 * before) << after << " vs " << before;
}

TEST(MelInverse, BatchGivesTheSameResultAsEachItemAlone) {
  FrontendConfig config = whole_clip_frontend();
  torch::Tensor mel =
      torch::expm1(log_mel(torch::stack({dsp_fixture("wave_drum_22050").slice(0, 0, 11025),
                                         dsp_fixture("wave_chirp_22050").slice(0, 0, 13230)}),
                           config));  // [2, M, F]
  torch::Tensor batched = mel_to_linear(mel, config);
  torch::Tensor alone = mel_to_linear(mel[1], config);
  EXPECT_TRUE(torch::allclose(batched[1], alone, 1e-4, 1e-3))
      << (batched[1] - alone).abs().max().item<double>() << " max " << alone.max().item<double>();
}

TEST(GriffinLim, IsDeterministicGivenTheSeedAndDiffersForAnotherSeed) {
  FrontendConfig config = whole_clip_frontend();
  torch::Tensor magnitude = dsp_fixture("gl_magnitude");
  GriffinLimOptions options;
  options.start = PhaseStart::random;  // PGHI leaves the seed only the faintest coefficients
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

// The random start covers the whole circle evenly: unit modulus, a mean near 0 and each quadrant
// holding about a quarter of the phases (torchaudio's start puts them all in the first).
TEST(GriffinLim, RandomStartIsUniformOnTheCircleAndFixedByTheSeed) {
  torch::Tensor z = uniform_unit_phases({64, 513}, 3);
  ASSERT_EQ(z.scalar_type(), torch::kComplexFloat);
  EXPECT_TRUE(torch::allclose(z.abs(), torch::ones({64, 513}), 0, 1e-5));
  EXPECT_LT(z.mean().abs().item<double>(), 0.02);
  const torch::Tensor re = torch::real(z), im = torch::imag(z);
  for (const torch::Tensor& quadrant :
       {(re > 0) & (im > 0), (re < 0) & (im > 0), (re < 0) & (im < 0), (re > 0) & (im < 0)}) {
    EXPECT_NEAR(quadrant.to(torch::kFloat64).mean().item<double>(), 0.25, 0.02);
  }
  EXPECT_TRUE(torch::equal(z, uniform_unit_phases({64, 513}, 3)));
  EXPECT_FALSE(torch::equal(z, uniform_unit_phases({64, 513}, 4)));
}

TEST(GriffinLim, MatchesTorchaudioGriffinlimWithZeroInit) {
  FrontendConfig config = whole_clip_frontend();
  torch::Tensor magnitude = dsp_fixture("gl_magnitude");
  for (double momentum : {0.99, 0.0}) {
    GriffinLimOptions options;
    options.start = PhaseStart::zero;
    options.momentum = momentum;
    torch::Tensor expected = dsp_fixture(momentum > 0 ? "gl_zero_init_m99" : "gl_zero_init_m0");
    torch::Tensor actual = griffin_lim(magnitude, config, options);
    ASSERT_EQ(actual.sizes(), expected.sizes());
    EXPECT_LT(audiogan::testing::relative_max_error(actual, expected), 1e-3) << momentum;
  }
}

TEST(GriffinLim, ZeroMomentumIsPlainAlternatingProjection) {
  FrontendConfig config = whole_clip_frontend();
  torch::Tensor magnitude = dsp_fixture("gl_magnitude").unsqueeze(0);  // [1, K, F]
  GriffinLimOptions options;
  options.start = PhaseStart::zero;
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
  FrontendConfig config = whole_clip_frontend();
  torch::Tensor magnitude = dsp_fixture("gl_magnitude");                       // [K, F]
  torch::Tensor batch = torch::stack({magnitude, 0.5 * magnitude.flip({1})});  // [2, K, F]
  GriffinLimOptions options;
  options.start = PhaseStart::zero;  // the same initial phases for a row alone and in the batch
  options.iterations = 4;
  torch::Tensor together = griffin_lim(batch, config, options);  // [2, T]
  ASSERT_EQ(together.size(0), 2);
  for (int64_t row = 0; row < 2; ++row) {
    torch::Tensor alone = griffin_lim(batch[row], config, options);  // [T]
    EXPECT_TRUE(torch::allclose(together[row], alone, 1e-5, 1e-6)) << "row " << row;
  }
}

TEST(GriffinLim, MomentumConvergesFasterThanPlainGriffinLim) {
  FrontendConfig config = whole_clip_frontend();
  torch::Tensor magnitude = dsp_fixture("gl_magnitude");
  GriffinLimOptions options;
  options.start = PhaseStart::random;
  options.momentum = 0.0;
  const double plain =
      spectral_convergence_db(magnitude, griffin_lim(magnitude, config, options), config);
  options.momentum = 0.99;
  const double fast =
      spectral_convergence_db(magnitude, griffin_lim(magnitude, config, options), config);
  EXPECT_LT(fast, plain - 1.0) << fast << " vs " << plain;
}

// Measured with the default settings: drum -10.0 dB, chirp -16.6 dB; the thresholds leave margin.
TEST(Vocoder, RoundTripOfRealDrumHitAndChirpReachesSpectralConvergence) {
  FrontendConfig config = whole_clip_frontend();
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
  FrontendConfig config = whole_clip_frontend();
  torch::Tensor wave = dsp_fixture("wave_chirp_22050");
  torch::Tensor magnitude = magnitude_of(wave, config);
  EXPECT_LT(spectral_convergence_db(magnitude, wave, config), -80.0);
  EXPECT_NEAR(spectral_convergence_db(magnitude, torch::zeros_like(wave), config), 0.0, 1e-9);
}

}  // namespace
}  // namespace audiogan::dsp
