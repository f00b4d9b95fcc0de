// Reconstruction losses and re-synthesis measures on known cases: identical signals, a signal
// at half amplitude (every ratio exactly 2), silence.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "dsp/mel.h"
#include "dsp/resynthesis_measures.h"
#include "dsp/stft.h"
#include "vocoder/vocoder_losses.h"

namespace audiogan {
namespace {

FrontendConfig small_frontend() {
  FrontendConfig f;
  f.sample_rate = 16000;
  f.n_fft = 512;
  f.win_length = 512;
  f.hop_length = 128;
  f.n_mels = 32;
  f.frames = 0;
  return f;
}

// White noise: every STFT bin well above the floors, so log ratios are exact.
torch::Tensor noise(int64_t batch, int64_t length, uint64_t seed = 5) {
  torch::manual_seed(seed);
  return 0.2 * torch::randn({batch, length});
}

TEST(VocoderLosses, AreZeroForIdenticalSignals) {
  torch::Tensor x = noise(2, 4096);
  auto stft = multi_resolution_stft_loss(x, x);
  EXPECT_NEAR(stft.spectral_convergence.item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(stft.log_magnitude.item<double>(), 0.0, 1e-6);
  const FrontendConfig f = small_frontend();
  EXPECT_NEAR(mel_l1_loss(x, x, f, dsp::mel_filterbank(f)).item<double>(), 0.0, 1e-6);
}

TEST(VocoderLosses, HalfAmplitudeGivesKnownValues) {
  torch::Tensor x = noise(2, 4096);
  auto stft = multi_resolution_stft_loss(0.5 * x, x);
  EXPECT_NEAR(stft.spectral_convergence.item<double>(), 0.5, 1e-3);  // ||x - x/2|| / ||x||
  EXPECT_NEAR(stft.log_magnitude.item<double>(), std::log(2.0), 1e-3);
  const FrontendConfig f = small_frontend();
  EXPECT_NEAR(mel_l1_loss(0.5 * x, x, f, dsp::mel_filterbank(f)).item<double>(), std::log(2.0),
              1e-3);
}

TEST(VocoderLosses, GradientIsFiniteAtSilence) {
  torch::Tensor prediction = torch::zeros({1, 2048}, torch::requires_grad());
  torch::Tensor target = noise(1, 2048);
  const FrontendConfig f = small_frontend();
  torch::Tensor loss = multi_resolution_stft_loss(prediction, target).total() +
                       mel_l1_loss(prediction, target, f, dsp::mel_filterbank(f));
  loss.backward();
  EXPECT_TRUE(torch::isfinite(prediction.grad()).all().item<bool>());
}

// The phase-derivative loss: 0 for the target and for the target up to a constant phase (a sign
// flip), 0.5 at half amplitude (every neighbour product halves), and large for the same
// magnitudes with scrambled phases.
TEST(PhaseDerivativeLoss, SeesPhaseButNotAConstantPhaseOffset) {
  const FrontendConfig f = small_frontend();
  torch::Tensor x = noise(2, 8192);
  EXPECT_NEAR(phase_derivative_loss(x, x, f).item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(phase_derivative_loss(-x, x, f).item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(phase_derivative_loss(0.5 * x, x, f).item<double>(), 0.5, 1e-3);

  // The noise's STFT with every phase redrawn, back to a waveform.
  torch::manual_seed(9);
  torch::Tensor spectrum = dsp::stft(x, f);  // [2, K, F]
  torch::Tensor random_phase = torch::rand(spectrum.sizes()) * (2 * M_PI);
  torch::Tensor scrambled_spectrum = torch::polar(spectrum.abs(), random_phase);
  torch::Tensor scrambled = dsp::istft(scrambled_spectrum, f, x.size(1));
  EXPECT_GT(phase_derivative_loss(scrambled, x, f).item<double>(), 0.7);
}

// Finite at silence (where the products make it flat) and near it, where it points somewhere.
TEST(PhaseDerivativeLoss, GradientIsFiniteAtAndNearSilence) {
  const FrontendConfig f = small_frontend();
  for (const double scale : {0.0, 1e-4}) {
    torch::Tensor prediction = (scale * noise(1, 2048, 7)).requires_grad_();
    phase_derivative_loss(prediction, noise(1, 2048), f).backward();
    EXPECT_TRUE(torch::isfinite(prediction.grad()).all().item<bool>()) << scale;
    if (scale > 0) {
      EXPECT_GT(prediction.grad().abs().sum().item<double>(), 0.0);
    }
  }
}

TEST(ResynthesisMeasures, IdenticalSignalsGiveMinusInfinityAndZero) {
  torch::Tensor x = noise(1, 8000).squeeze(0);
  const FrontendConfig f = small_frontend();
  EXPECT_EQ(dsp::waveform_spectral_convergence_db(x, x, f),
            -std::numeric_limits<double>::infinity());
  EXPECT_NEAR(dsp::log_spectral_distance_db(x, x, f), 0.0, 1e-9);
}

TEST(ResynthesisMeasures, HalfAmplitudeGivesSixDecibels) {
  torch::Tensor x = noise(1, 8000).squeeze(0);
  const FrontendConfig f = small_frontend();
  const double six_db = 20.0 * std::log10(2.0);
  EXPECT_NEAR(dsp::waveform_spectral_convergence_db(x, 0.5 * x, f), -six_db, 1e-6);
  EXPECT_NEAR(dsp::log_spectral_distance_db(x, 0.5 * x, f), six_db, 1e-6);
}

TEST(ResynthesisMeasures, UnrelatedNoiseScoresWorseThanANoisyCopy) {
  torch::Tensor x = noise(1, 8000, 1).squeeze(0);
  torch::Tensor other = noise(1, 8000, 2).squeeze(0);
  torch::Tensor close = x + 0.1 * other;
  const FrontendConfig f = small_frontend();
  EXPECT_LT(dsp::waveform_spectral_convergence_db(x, close, f),
            dsp::waveform_spectral_convergence_db(x, other, f) - 10.0);
  EXPECT_LT(dsp::log_spectral_distance_db(x, close, f), dsp::log_spectral_distance_db(x, other, f));
}

TEST(ResynthesisMeasures, SilenceAndLengthsAreHandled) {
  const FrontendConfig f = small_frontend();
  torch::Tensor x = noise(1, 8000).squeeze(0);
  // All-silent reference: nothing to converge to.
  EXPECT_EQ(dsp::waveform_spectral_convergence_db(torch::zeros({4000}), x, f), 0.0);
  // Digital silence against the signal: the floor keeps LSD finite (80 dB at most).
  const double lsd = dsp::log_spectral_distance_db(x, torch::zeros({8000}), f);
  EXPECT_TRUE(std::isfinite(lsd));
  EXPECT_LE(lsd, 80.0 + 1e-6);
  // A longer estimate is cut to the reference's length.
  torch::Tensor longer = torch::cat({x, noise(1, 1000, 9).squeeze(0)});
  EXPECT_NEAR(dsp::log_spectral_distance_db(x, longer, f), 0.0, 1e-9);
  EXPECT_THROW(dsp::log_spectral_distance_db(x.unsqueeze(0), x, f), DataError);
}

}  // namespace
}  // namespace audiogan
