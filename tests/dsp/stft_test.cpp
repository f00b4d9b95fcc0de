// The STFT/ISTFT pair: the overlap-add inverse against LibTorch's own torch::istft for the frame
// settings it takes its fast path on and those it hands back, and perfect reconstruction.
#include "dsp/stft.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace audiogan::dsp {
namespace {

FrontendConfig frontend(int n_fft, int win_length, int hop_length) {
  FrontendConfig config;
  config.n_fft = n_fft;
  config.win_length = win_length;
  config.hop_length = hop_length;
  config.n_mels = 16;
  config.frames = 0;
  return config;
}

torch::Tensor torch_istft(const torch::Tensor& spectrum, const FrontendConfig& config,
                          int64_t length) {
  return torch::istft(spectrum, config.n_fft, config.hop_length, config.win_length,
                      hann_window(config, spectrum.device()), /*center=*/true,
                      /*normalized=*/false, /*onesided=*/true, length, /*return_complex=*/false);
}

// Any complex [B, K, F] is a valid input: the inverse is linear, not only defined on STFTs.
torch::Tensor random_spectrum(const FrontendConfig& config, int64_t batch, int64_t frames) {
  torch::manual_seed(3);
  return torch::randn({batch, config.n_fft / 2 + 1, frames}, torch::kComplexFloat);
}

TEST(Istft, MatchesTorchIstftForEveryFrameSetting) {
  // hop dividing n_fft (the overlap-add path), a shorter window, and hops that do not divide.
  const FrontendConfig settings[] = {frontend(1024, 1024, 256), frontend(512, 400, 128),
                                     frontend(256, 256, 64), frontend(1024, 1024, 300),
                                     frontend(512, 400, 160)};
  for (const FrontendConfig& config : settings) {
    const int64_t frames = 40;
    torch::Tensor spectrum = random_spectrum(config, 3, frames);
    for (int64_t length : {(frames - 1) * config.hop_length, int64_t{1000}}) {
      torch::Tensor actual = istft(spectrum, config, length);
      torch::Tensor expected = torch_istft(spectrum, config, length);
      ASSERT_EQ(actual.sizes(), expected.sizes()) << config.to_string();
      const double scale = expected.abs().max().item<double>();
      EXPECT_LT((actual - expected).abs().max().item<double>(), 1e-5 * scale)
          << config.to_string() << " length " << length;
    }
  }
}

TEST(Istft, ALengthPastTheFramesIsSilence) {
  const FrontendConfig config = frontend(1024, 1024, 256);
  const int64_t frames = 10;
  torch::Tensor spectrum = random_spectrum(config, 2, frames);
  const int64_t reach = (frames - 1) * config.hop_length + config.n_fft / 2;
  torch::Tensor longer = istft(spectrum, config, reach + 500);
  ASSERT_EQ(longer.size(1), reach + 500);
  EXPECT_TRUE(torch::allclose(longer.narrow(1, 0, reach), istft(spectrum, config, reach)));
  EXPECT_EQ(longer.narrow(1, reach, 500).abs().max().item<float>(), 0.0F);
}

TEST(Istft, InvertsTheStftOfARealSignal) {
  for (const FrontendConfig& config : {frontend(1024, 1024, 256), frontend(512, 400, 100)}) {
    torch::manual_seed(5);
    torch::Tensor wave = torch::randn({2, 22050});
    torch::Tensor rebuilt = istft(stft(wave, config), config, wave.size(1));
    EXPECT_LT((rebuilt - wave).abs().max().item<double>(), 1e-4) << config.to_string();
  }
}

TEST(Istft, RejectsAWindowWhoseOverlapAddVanishes) {
  // A 64-sample window every 128 samples leaves gaps that no window covers.
  const FrontendConfig gaps = frontend(256, 64, 128);
  EXPECT_THROW(istft(random_spectrum(gaps, 1, 8), gaps, 7 * 128), DataError);
}

}  // namespace
}  // namespace audiogan::dsp
