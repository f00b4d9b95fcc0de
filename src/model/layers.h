// Building blocks shared by the model architectures: spectral normalisation, spectrally
// normalised convolution and linear layers, weight-normalised convolutions, class-conditional
// batch norm and sub-pixel upsampling.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace audiogan {

// Spectral normalisation of a weight [out, ...] by one step of power iteration per call.
// ref: Miyato et al. 2018, "Spectral Normalization for GANs"; torch.nn.utils.spectral_norm.
// `u` [out] is the running left singular vector estimate (a module buffer, updated in place when
// `update_u`). Returns weight / sigma where sigma ~ the largest singular value of the weight
// reshaped to [out, rest]. The estimate runs in float32 even under autocast, so bf16 rounding
// does not disturb the power iteration; gradients flow through sigma as in PyTorch.
torch::Tensor spectral_normalize(const torch::Tensor& weight, torch::Tensor& u, bool update_u,
                                 int power_iterations = 1, double eps = 1e-12);

struct SNConv2dOptions {
  SNConv2dOptions(int64_t in, int64_t out, int64_t kernel) : in_(in), out_(out), kernel_(kernel) {}
  TORCH_ARG(int64_t, in);
  TORCH_ARG(int64_t, out);
  TORCH_ARG(int64_t, kernel);
  TORCH_ARG(int64_t, stride) = 1;
  TORCH_ARG(int64_t, padding) = 0;
  TORCH_ARG(bool, bias) = true;
  TORCH_ARG(int, power_iterations) = 1;
  // false: a plain convolution with the same parameters and buffer (--spectral-norm off), so a
  // model's file layout does not depend on the setting.
  TORCH_ARG(bool, normalize) = true;
};

// Conv2d whose weight is spectrally normalised on every forward (unless options.normalize is
// false). Parameters: weight_orig, bias; buffer: u (saved and loaded with the module).
class SNConv2dImpl : public torch::nn::Cloneable<SNConv2dImpl> {
 public:
  explicit SNConv2dImpl(const SNConv2dOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  // x [B, in, H, W] -> [B, out, H', W']
  torch::Tensor forward(const torch::Tensor& x);
  // The normalised weight as forward uses it (without updating u).
  torch::Tensor normalized_weight();

  SNConv2dOptions options;
  torch::Tensor weight_orig, bias, u;
};
TORCH_MODULE(SNConv2d);

struct SNLinearOptions {
  SNLinearOptions(int64_t in, int64_t out) : in_(in), out_(out) {}
  TORCH_ARG(int64_t, in);
  TORCH_ARG(int64_t, out);
  TORCH_ARG(bool, bias) = true;
  TORCH_ARG(int, power_iterations) = 1;
  TORCH_ARG(bool, normalize) = true;  // as SNConv2dOptions::normalize
};

// Linear layer with a spectrally normalised weight; same parameters, buffer and normalize
// option as SNConv2d.
class SNLinearImpl : public torch::nn::Cloneable<SNLinearImpl> {
 public:
  explicit SNLinearImpl(const SNLinearOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  // x [B, in] -> [B, out]
  torch::Tensor forward(const torch::Tensor& x);

  SNLinearOptions options;
  torch::Tensor weight_orig, bias, u;
};
TORCH_MODULE(SNLinear);

// Weight normalisation (Salimans & Kingma 2016): weight = g * v / ||v||, the norm taken over
// every dimension but dim 0, as torch.nn.utils.weight_norm's default (dim=0): per output
// channel of a Conv1d/Conv2d weight [out, in, ...], per input channel of a ConvTranspose1d
// weight [in, out, k]. v [d0, ...], g [d0, 1, ...] (g's other dims 1) -> [d0, ...].
torch::Tensor weight_normalize(const torch::Tensor& v, const torch::Tensor& g);

// A convolution's settings, shared by the weight- and spectrally-normalised 1-D and 2-D layers.
// Kernel, stride, padding and dilation are per spatial dimension (one value for 1-D, two for
// 2-D, e.g. kernel {5, 1} for HiFi-GAN's period discriminator).
struct NormConvOptions {
  NormConvOptions(int64_t in, int64_t out, std::vector<int64_t> kernel)
      : in_(in), out_(out), kernel_(std::move(kernel)) {}
  TORCH_ARG(int64_t, in);
  TORCH_ARG(int64_t, out);
  TORCH_ARG(std::vector<int64_t>, kernel);
  TORCH_ARG(std::vector<int64_t>, stride) = {};    // empty = 1 in every dimension
  TORCH_ARG(std::vector<int64_t>, padding) = {};   // empty = 0
  TORCH_ARG(std::vector<int64_t>, dilation) = {};  // empty = 1
  TORCH_ARG(int64_t, groups) = 1;
  TORCH_ARG(bool, transposed) = false;  // ConvTranspose1d (1-D only, groups 1, dilation 1)
  // The weight's normalisation: "weight" (parameters weight_g, weight_v as PyTorch's
  // weight_norm names them) or "spectral" (weight_orig and buffer u, as SNConv2d).
  TORCH_ARG(std::string, norm) = "weight";
};

// Conv1d, ConvTranspose1d or Conv2d (by the kernel's rank) with a weight- or spectrally-
// normalised weight, initialised as PyTorch initialises the plain layer (weight_norm then
// starts from g = ||v||, so the first forward is the plain layer's). ref: HiFi-GAN's layers
// (Kong et al. 2020), which wrap every convolution in weight_norm (one scale discriminator in
// spectral_norm).
class NormConvImpl : public torch::nn::Cloneable<NormConvImpl> {
 public:
  explicit NormConvImpl(const NormConvOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  // x [B, in, T] (1-D) or [B, in, H, W] (2-D) -> [B, out, T'] or [B, out, H', W']
  torch::Tensor forward(const torch::Tensor& x);
  // The weight forward convolves with (spectral: without updating u).
  torch::Tensor normalized_weight();

  NormConvOptions options;
  torch::Tensor weight_g, weight_v;  // norm "weight"
  torch::Tensor weight_orig, u;      // norm "spectral"
  torch::Tensor bias;

 private:
  torch::Tensor convolve(const torch::Tensor& x, const torch::Tensor& weight) const;
};
TORCH_MODULE(NormConv);

// Class-conditional batch norm: BatchNorm2d without affine parameters, then a per-class scale and
// shift looked up from embeddings (scale initialised to 1, shift to 0). ref: de Vries et al. 2017
// and Miyato & Koyama 2018 (conditional BN in the generator).
//
// stat_groups > 1 keeps that many sets of running statistics (buffers running_mean and
// running_var, [stat_groups, C]) in place of one BatchNorm2d's: a variable-length generator
// (--lengths variable) trains each length bucket's batches apart, and a bucket of long cymbals
// may have other statistics than one of short kicks, so sampling at a width normalises with the
// statistics of the batches trained at it rather than with a running average of all buckets.
// Training normalises with the batch's statistics and updates the running statistics of the
// batch's group only; evaluation uses that group's. (Measured on the drums: the groups differed
// little and pooled statistics scored the same; docs/EXPERIMENTS.md.)
class ConditionalBatchNorm2dImpl : public torch::nn::Cloneable<ConditionalBatchNorm2dImpl> {
 public:
  ConditionalBatchNorm2dImpl(int64_t channels, int64_t num_classes, int64_t stat_groups = 1);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  // x [B, C, H, W], labels [B] int64, group in [0, stat_groups) -> [B, C, H, W]
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& labels, int64_t group = 0);

  int64_t channels, num_classes, stat_groups;
  torch::nn::BatchNorm2d norm{nullptr};     // stat_groups == 1
  torch::Tensor running_mean, running_var;  // stat_groups > 1: [stat_groups, C]
  torch::nn::Embedding gamma{nullptr}, beta{nullptr};
};
TORCH_MODULE(ConditionalBatchNorm2d);

// Sub-pixel upsampling by 2: a 3x3 convolution to 4x the output channels at the low resolution,
// then a pixel shuffle. ref: Shi et al. 2016 (ESPCN). It can express every transposed
// convolution with kernel 4, stride 2, padding 1 but runs as a plain Conv2d, which oneDNN
// executes several times faster than ConvTranspose2d on CPU. The weight is initialised
// "ICNR" (each of the 4 sub-pixels starts with the same kernel) to avoid checkerboard artefacts.
class SubPixelUpsampleImpl : public torch::nn::Cloneable<SubPixelUpsampleImpl> {
 public:
  SubPixelUpsampleImpl(int64_t in, int64_t out);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  // x [B, in, H, W] -> [B, out, 2H, 2W]
  torch::Tensor forward(const torch::Tensor& x);

  int64_t in, out;
  torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(SubPixelUpsample);

}  // namespace audiogan

namespace audiogan {
// Stores every 4-D parameter and buffer of `module` (recursively) channels-last, so that
// convolutions on channels-last activations do not reorder the weights on every call.
void convert_to_channels_last(torch::nn::Module& module);
}  // namespace audiogan
