// The frame-rate vocoder: output shapes at several lengths, the iSTFT head's synthesis of an
// exact STFT (bypassing the network) returns the signal, the magnitude clip, and gradients.
#include "vocoder/frame_vocoder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "dsp/mel.h"
#include "dsp/stft.h"
#include "dsp/vocoder.h"
#include "vocoder/vocoder_config.h"

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

FrameVocoderOptions small_options(const FrontendConfig& f) {
  return FrameVocoderOptions(f.n_mels, f.n_fft).dim(32).intermediate(96).blocks(2);
}

// small_options' size as train-vocoder's settings, for make_frame_vocoder.
VocoderConfig small_config() {
  VocoderConfig config;
  config.dim = 32;
  config.intermediate = 96;
  config.blocks = 2;
  return config;
}

// Two tones and a little noise, nowhere silent: [1, length].
torch::Tensor test_signal(int64_t length, int sample_rate) {
  torch::manual_seed(3);
  torch::Tensor t = torch::arange(length, torch::kFloat32) / static_cast<float>(sample_rate);
  return (0.3 * torch::sin(2 * M_PI * 440.0 * t) + 0.1 * torch::sin(2 * M_PI * 1234.5 * t) +
          0.01 * torch::randn({length}))
      .unsqueeze(0);
}

TEST(FrameVocoder, OutputsHopSamplesPerFrameAtSeveralLengths) {
  torch::manual_seed(0);
  const FrontendConfig f = small_frontend();
  FrameVocoder model(small_options(f));
  for (int64_t frames : {1, 2, 7, 33, 100}) {
    torch::Tensor mel = torch::rand({3, f.n_mels, frames}) * 5;  // log1p mels are >= 0
    torch::Tensor audio = model->forward(mel, f);
    EXPECT_EQ(audio.sizes(), (std::vector<int64_t>{3, frames * f.hop_length})) << frames;
    EXPECT_TRUE(torch::isfinite(audio).all().item<bool>()) << frames;
  }
}

TEST(FrameVocoder, DepthwiseShiftsMatchTheConv1dTheyStandFor) {
  torch::manual_seed(4);
  ConvNeXtBlock block(/*dim=*/16, /*intermediate=*/32, /*kernel=*/7, /*layer_scale=*/0.5);
  torch::NoGradGuard no_grad;
  for (auto& p : block->named_parameters()) p.value().normal_();  // a non-zero bias too
  torch::nn::Conv1d reference(torch::nn::Conv1dOptions(16, 16, 7).padding(3).groups(16));
  reference->weight.copy_(block->named_parameters()["depthwise.weight"]);
  reference->bias.copy_(block->named_parameters()["depthwise.bias"]);
  for (int64_t frames : {1, 3, 50}) {
    torch::Tensor x = torch::randn({2, 16, frames});
    EXPECT_TRUE(torch::allclose(block->depthwise(x), reference->forward(x), 1e-5, 1e-5)) << frames;
  }
}

TEST(FrameVocoder, RejectsAnInputWithAnotherMelCount) {
  const FrontendConfig f = small_frontend();
  FrameVocoder model(small_options(f));
  EXPECT_THROW(model->forward(torch::rand({1, f.n_mels + 1, 8}), f), c10::Error);
}

TEST(FrameVocoder, SynthesisOfAnExactStftReconstructsTheSignal) {
  for (const auto& [n_fft, hop] : {std::pair{512, 128}, std::pair{1024, 256}}) {
    FrontendConfig f = small_frontend();
    f.n_fft = f.win_length = n_fft;
    f.hop_length = hop;
    const int64_t frames = 40;
    torch::Tensor x = test_signal(frames * hop, f.sample_rate);  // [1, frames * hop]
    // The STFT has frames + 1 frames; the head synthesises frames * hop samples from the first
    // `frames`, as the vocoder does from a log-mel of `frames` frames.
    torch::Tensor spectrum = dsp::stft(x, f).narrow(2, 0, frames);  // [1, K, frames]
    torch::Tensor log_magnitude = torch::log(spectrum.abs().clamp_min(1e-12));
    torch::Tensor phase = torch::angle(spectrum);
    torch::Tensor y = FrameVocoderImpl::synthesise(log_magnitude, phase, f, 1e3);
    ASSERT_EQ(y.sizes(), x.sizes());
    EXPECT_LT((y - x).abs().max().item<double>(), 1e-4) << n_fft;

    // The phase matters: the same magnitudes with zero phase do not give the signal back.
    torch::Tensor zero_phase =
        FrameVocoderImpl::synthesise(log_magnitude, torch::zeros_like(phase), f, 1e3);
    EXPECT_GT((zero_phase - x).abs().max().item<double>(), 0.05) << n_fft;
  }
}

TEST(FrameVocoder, MagnitudeIsClippedAtMaxMagnitude) {
  const FrontendConfig f = small_frontend();
  const int64_t bins = f.n_fft / 2 + 1;
  torch::Tensor phase = torch::rand({1, bins, 6}) * 6.28;
  torch::Tensor huge = FrameVocoderImpl::synthesise(torch::full({1, bins, 6}, 30.0), phase, f, 5.0);
  torch::Tensor at_clip =
      FrameVocoderImpl::synthesise(torch::full({1, bins, 6}, std::log(5.0)), phase, f, 5.0);
  EXPECT_TRUE(torch::allclose(huge, at_clip, 1e-5, 1e-6));
  EXPECT_TRUE(torch::isfinite(huge).all().item<bool>());
}

TEST(FrameVocoder, GradientsReachEveryParameter) {
  torch::manual_seed(1);
  const FrontendConfig f = small_frontend();
  FrameVocoder model(small_options(f));
  torch::Tensor audio = model->forward(torch::rand({2, f.n_mels, 9}) * 3, f);
  audio.square().mean().backward();
  for (const auto& p : model->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
  }
}

TEST(FrameVocoder, WithAPriorItStartsAtThePseudoInverseMagnitude) {
  torch::manual_seed(2);
  const FrontendConfig f = small_frontend();
  VocoderConfig config = small_config();
  config.magnitude = "prior";
  FrameVocoder model = make_frame_vocoder(config, f);
  // A real signal's log-mel. The basis maps its mel power to a linear power whose mel is that
  // mel again (least squares, exact while the mels are independent); the prior clamps that
  // power's negative parts, which moves its mel by a little.
  torch::Tensor x = test_signal(64 * f.hop_length, f.sample_rate);  // [1, T]
  torch::Tensor log_mel = dsp::log_mel(x, f);                       // [1, n_mels, F]
  auto [log_magnitude, phase] = model->predict_spectrum(log_mel);
  const torch::Tensor basis = dsp::mel_pseudo_inverse(f);
  EXPECT_EQ(basis.sizes(), (std::vector<int64_t>{f.n_fft / 2 + 1, f.n_mels}));
  EXPECT_TRUE(torch::allclose(log_magnitude, prior_log_magnitude(basis, log_mel), 1e-5, 1e-5));
  const torch::Tensor fb_t = dsp::mel_filterbank(f).t();  // [M, K]
  const torch::Tensor mel_power = torch::expm1(log_mel);
  const auto relative = [&](const torch::Tensor& power) {
    return ((torch::matmul(fb_t, power) - mel_power).norm() / mel_power.norm()).item<double>();
  };
  EXPECT_LT(relative(torch::matmul(basis, mel_power)), 1e-3);
  EXPECT_LT(relative(torch::exp(2 * log_magnitude)), 0.2);
  // Without the prior the same network's initial magnitude is near exp(0) everywhere instead.
  config.magnitude = "direct";
  torch::manual_seed(2);
  FrameVocoder direct = make_frame_vocoder(config, f);
  auto [direct_log_magnitude, direct_phase] = direct->predict_spectrum(log_mel);
  EXPECT_LT(direct_log_magnitude.abs().mean().item<double>(), 1.0);
  EXPECT_GT((log_magnitude - direct_log_magnitude).abs().mean().item<double>(), 1.0);

  // Every parameter, the zeroed magnitude rows of the head included, gets a gradient, and the
  // basis is a buffer, not a parameter (checkpointed, never trained).
  model->forward(log_mel, f).square().mean().backward();
  for (const auto& p : model->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
  }
  EXPECT_TRUE(model->named_buffers().contains("prior_basis"));
  EXPECT_FALSE(model->named_parameters().contains("prior_basis"));
}

TEST(FrameVocoder, AnIntegratedPhaseSumsTheAdvancesOverFrames) {
  const FrontendConfig f = small_frontend();
  const int64_t bins = f.n_fft / 2 + 1;
  VocoderConfig config = small_config();
  config.phase = "integrated";
  FrameVocoder model = make_frame_vocoder(config, f);
  auto head = model->named_parameters();
  {
    // The head gives phase 0.3 and advance 0.5 at every frame: a steady tone's pattern.
    torch::NoGradGuard no_grad;
    head["head.weight"].zero_();
    head["head.bias"].narrow(0, bins, bins).fill_(0.3);
    head["head.bias"].narrow(0, 2 * bins, bins).fill_(0.5);
  }
  EXPECT_EQ(head["head.bias"].size(0), 3 * bins);
  auto [log_magnitude, phase] = model->predict_spectrum(torch::rand({2, f.n_mels, 6}) * 3);
  ASSERT_EQ(phase.sizes(), (std::vector<int64_t>{2, bins, 6}));
  for (int64_t t = 0; t < 6; ++t) {
    EXPECT_NEAR(phase.select(2, t).mean().item<double>(), 0.3 + 0.5 * (t + 1), 1e-5) << t;
  }
  EXPECT_TRUE(torch::allclose(integrate_phase(torch::zeros({1, 1, 3}), torch::ones({1, 1, 3})),
                              torch::tensor({1.0f, 2.0f, 3.0f}).view({1, 1, 3})));
}

TEST(FrameVocoder, CountsMultiplyAccumulatesPerFrame) {
  // dim 256, 8 blocks, 128 mels, n_fft 1024: the default size (docs/vocoder.md's arithmetic).
  FrameVocoderOptions o(128, 1024);
  const int64_t expected = 128 * 256 * 7 + 8 * (256 * 7 + 2 * 256 * 768) + 256 * 1026;
  EXPECT_EQ(frame_vocoder_macs_per_frame(o), expected);
  o.magnitude_prior(torch::zeros({513, 128}));  // the prior's product, 513 x 128 per frame
  EXPECT_EQ(frame_vocoder_macs_per_frame(o), expected + 513 * 128);
  o.integrated_phase(true);  // the head's third part, dim x 513
  EXPECT_EQ(frame_vocoder_macs_per_frame(o), expected + 513 * 128 + 256 * 513);
}

}  // namespace
}  // namespace audiogan
