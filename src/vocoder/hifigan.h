// HiFi-GAN, the seeds' named vocoder: the generator in the paper's V1, V2 and V3 configurations,
// the multi-period and multi-scale discriminators, and the least-squares adversarial and
// feature-matching losses. ref: Kong et al. 2020, "HiFi-GAN: Generative Adversarial Networks
// for Efficient and High Fidelity Speech Synthesis" (arXiv 2010.05646), and its reference code
// (jik876/hifi-gan, models.py and config_v1/v2/v3.json). Every convolution is weight-normalised
// (model/layers.h NormConv), the first scale discriminator spectrally normalised, as there.
//
// train-vocoder --arch hifigan trains HifiGanVocoder against HifiGanDiscriminator
// (vocoder_trainer.h); --adversarial on adds the same discriminators to the vocos design.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "model/layers.h"
#include "vocoder/vocoder_model.h"

namespace audiogan {

// Leaky ReLU slope of every HiFi-GAN activation.
constexpr double kHifiGanLeakySlope = 0.1;

struct HifiGanConfig {
  int resblock = 1;                                      // 1: ResBlock1 (V1, V2); 2: ResBlock2 (V3)
  std::vector<int64_t> upsample_rates;                   // their product is the hop
  std::vector<int64_t> upsample_kernels;                 // one per rate
  int64_t upsample_initial_channel = 512;                // halved by each upsampling
  std::vector<int64_t> resblock_kernels;                 // one residual block per kernel per stage
  std::vector<std::vector<int64_t>> resblock_dilations;  // one list per kernel

  // The paper's configurations: "v1" (512 channels), "v2" (128), "v3" (256, ResBlock2, three
  // upsamplings). Throws ConfigError naming the known ones otherwise.
  static HifiGanConfig named(const std::string& name);
  int64_t hop() const;  // samples per log-mel frame
};

// A multi-receptive-field residual block on [B, C, T]. Kind 1: per dilation d, leaky ReLU ->
// conv(k, d) -> leaky ReLU -> conv(k, 1) -> + residual. Kind 2: per dilation, leaky ReLU ->
// conv(k, d) -> + residual. 'Same' padding throughout.
class HifiGanResBlockImpl : public torch::nn::Module {
 public:
  HifiGanResBlockImpl(int kind, int64_t channels, int64_t kernel,
                      const std::vector<int64_t>& dilations);
  torch::Tensor forward(torch::Tensor x);  // [B, C, T] -> [B, C, T]

 private:
  std::vector<NormConv> dilated_, plain_;  // plain_ empty for kind 2
};
TORCH_MODULE(HifiGanResBlock);

class HifiGanGeneratorImpl : public torch::nn::Module {
 public:
  HifiGanGeneratorImpl(int64_t n_mels, const HifiGanConfig& config);
  // log-mel [B, n_mels, T] -> waveform [B, T * hop] in [-1, 1] (tanh).
  torch::Tensor forward(const torch::Tensor& log_mel);
  const HifiGanConfig& config() const { return config_; }

 private:
  HifiGanConfig config_;
  NormConv pre_{nullptr}, post_{nullptr};
  std::vector<NormConv> ups_;
  std::vector<std::vector<HifiGanResBlock>> stages_;  // per upsampling, one block per kernel
};
TORCH_MODULE(HifiGanGenerator);

// The generator as a learned vocoder (vocoder_model.h): "hifigan" in checkpoints, its weights
// under "generator.".
class HifiGanVocoderImpl : public VocoderModelImpl {
 public:
  // Throws ConfigError when config's upsampling (its hop) is not the front end's hop.
  HifiGanVocoderImpl(const FrontendConfig& frontend, const HifiGanConfig& config);
  torch::Tensor forward(const torch::Tensor& log_mel, const FrontendConfig& frontend) override;
  std::string arch() const override { return "hifigan"; }
  double macs_per_frame() const override;
  HifiGanGenerator& generator() { return generator_; }
  const HifiGanConfig& config() const { return generator_->config(); }

 private:
  int64_t n_mels_;
  HifiGanGenerator generator_{nullptr};
};
TORCH_MODULE(HifiGanVocoder);

// What a discriminator says about a batch: one score tensor per sub-discriminator ([B, N],
// flattened) and its feature maps after each layer (for feature matching).
struct DiscriminatorOutputs {
  std::vector<torch::Tensor> scores;
  std::vector<std::vector<torch::Tensor>> features;
};

// One period p of the multi-period discriminator: the waveform [B, 1, T] (reflect-padded to a
// multiple of p) folded to [B, 1, T/p, p], then 2-D convolutions with kernel (5, 1) and stride
// (3, 1) over 32, 128, 512, 1024, 1024 channels and a (3, 1) output convolution.
class PeriodDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit PeriodDiscriminatorImpl(int64_t period);
  // waveform [B, 1, T] -> score [B, N] and 6 feature maps
  std::pair<torch::Tensor, std::vector<torch::Tensor>> forward(torch::Tensor x);
  int64_t period() const { return period_; }

 private:
  int64_t period_;
  std::vector<NormConv> convs_;
  NormConv post_{nullptr};
};
TORCH_MODULE(PeriodDiscriminator);

// One scale of the multi-scale discriminator: grouped strided 1-D convolutions (MelGAN's
// discriminator block), 8 feature maps.
class ScaleDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit ScaleDiscriminatorImpl(bool spectral_norm);
  std::pair<torch::Tensor, std::vector<torch::Tensor>> forward(torch::Tensor x);

 private:
  std::vector<NormConv> convs_;
  NormConv post_{nullptr};
};
TORCH_MODULE(ScaleDiscriminator);

// Periods 2, 3, 5, 7, 11.
class MultiPeriodDiscriminatorImpl : public torch::nn::Module {
 public:
  MultiPeriodDiscriminatorImpl();
  DiscriminatorOutputs forward(const torch::Tensor& waveform);  // [B, 1, T]

 private:
  std::vector<PeriodDiscriminator> discriminators_;
};
TORCH_MODULE(MultiPeriodDiscriminator);

// Three scales: the waveform, then twice average-pooled (kernel 4, stride 2, padding 2); the
// first scale's layers spectrally normalised, the others weight-normalised.
class MultiScaleDiscriminatorImpl : public torch::nn::Module {
 public:
  MultiScaleDiscriminatorImpl();
  DiscriminatorOutputs forward(const torch::Tensor& waveform);  // [B, 1, T]

 private:
  std::vector<ScaleDiscriminator> discriminators_;
};
TORCH_MODULE(MultiScaleDiscriminator);

// Both of HiFi-GAN's discriminators as one module (weights under "period." and "scale."): the
// outputs of the multi-period one, then the multi-scale one's, in one list.
class HifiGanDiscriminatorImpl : public torch::nn::Module {
 public:
  HifiGanDiscriminatorImpl();
  DiscriminatorOutputs forward(const torch::Tensor& waveform);  // [B, T]

 private:
  MultiPeriodDiscriminator period_{nullptr};
  MultiScaleDiscriminator scale_{nullptr};
};
TORCH_MODULE(HifiGanDiscriminator);

// Least-squares GAN losses summed over sub-discriminators: D minimises mean((1 - real)^2) +
// mean(fake^2); G minimises mean((1 - fake)^2).
torch::Tensor hifigan_discriminator_loss(const DiscriminatorOutputs& real,
                                         const DiscriminatorOutputs& fake);
torch::Tensor hifigan_generator_loss(const DiscriminatorOutputs& fake);
// Feature matching: 2 x the sum over sub-discriminators and layers of mean |real - fake|
// (real features detached by the caller, or here).
torch::Tensor feature_matching_loss(const DiscriminatorOutputs& real,
                                    const DiscriminatorOutputs& fake);

// Multiply-accumulates of the generator per output sample (convolutions only), for the cost
// arithmetic of docs/vocoder.md (the issue quotes ~26 GMAC per second of audio for V1).
double hifigan_generator_macs_per_sample(int64_t n_mels, const HifiGanConfig& config);

}  // namespace audiogan
