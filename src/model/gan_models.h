// The two networks of the conditional GAN, behind one interface for every architecture.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace audiogan {

struct ModelSpec {
  std::string arch = "default";  // {seed, default}
  int num_classes = 1;
  int latent = 100;
  int width = 0;     // channel width multiplier; 0 = the arch's default
  int n_mels = 128;  // divisible by 16
  int frames = 512;  // divisible by 16
  // --arch default only: keep activations channels-last (NHWC), the layout oneDNN convolves
  // fastest on CPU. Inputs and outputs keep the caller's layout either way.
  bool channels_last = true;
  // Mel-row heights of the stages that get a self-attention block, in G and in D
  // (model/attention.h); empty = none.
  std::vector<int> attention;
  // --lengths variable (--arch default only): frames is then the longest clip the model makes,
  // and G takes each clip's length (GeneratorBase::forward_frames); D takes any width that is a
  // multiple of 16 up to frames.
  bool variable_length = false;
  // --arch default: D's convolutions, linear head and class embedding spectrally normalised
  // (--spectral-norm; off is a WGAN-GP choice, where the gradient penalty constrains D).
  // The seed D has no spectral norm either way.
  bool spectral_norm = true;
  // Variable lengths: the widths of the length buckets training draws its batches from
  // (data/length_buckets.h), ascending. G keeps BatchNorm statistics per bucket and runs a batch
  // of width w with those of the narrowest bucket >= w. Empty: one set (models from before).
  std::vector<int> length_buckets;
};

// The statistics group of a variable-length G batch of `width` frames: the index of the
// narrowest of spec.length_buckets >= width (the last when none is); 0 when there are none.
int64_t length_bucket_group(const ModelSpec& spec, int64_t width);

// z [B, latent] float, labels [B] int64 -> spectrograms [B, 1, n_mels, frames] in the normalised
// range [-1, 1] (tanh output; -1 is silence).
class GeneratorBase : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) = 0;
  // Variable-length models: z [B, latent], labels [B], frames [B] int64 (each clip's length, in
  // [1, width]) -> [B, 1, n_mels, width] with every frame from a clip's length on silent (-1).
  // width is a multiple of 16 up to spec.frames. Throws ConfigError for a fixed-length model.
  virtual torch::Tensor forward_frames(const torch::Tensor& z, const torch::Tensor& labels,
                                       const torch::Tensor& frames, int64_t width);
  // Sampling a variable-length model: each clip through forward_frames at the narrowest width
  // that holds it (sampling_width), as training drew each clip at its bucket's width rather than
  // at the longest width; clips of one width in one batch. frames [B] int64 in [1, max_frames]
  // -> [B, 1, n_mels, max_frames], silence (-1) after each clip's length.
  torch::Tensor forward_lengths(const torch::Tensor& z, const torch::Tensor& labels,
                                const torch::Tensor& frames, int64_t max_frames);
};

// spectrograms [B, 1, n_mels, frames] normalised, labels [B] int64 -> logits [B, P] (P = 1 for a
// single score, more for a PatchGAN map flattened).
class DiscriminatorBase : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& spectrograms, const torch::Tensor& labels) = 0;
};

// Throws ConfigError naming the setting when the spec does not fit the arch.
std::shared_ptr<GeneratorBase> make_generator(const ModelSpec& spec);
std::shared_ptr<DiscriminatorBase> make_discriminator(const ModelSpec& spec);

// The width an arch uses when spec.width is 0 (seed: 64, default: see docs/design.md).
int default_width(const std::string& arch);

// Multiply-adds x 2 of the convolution and linear layers, from the layer shapes, for a batch.
struct ModelFlops {
  double generator_forward = 0;      // G(z, y)
  double discriminator_forward = 0;  // D(x, y)
  // One GAN training step as the trainer runs it: G forward once, D forward + backward on a real
  // and a fake batch, then D forward + backward and G backward for G's loss (backward ~ 2x
  // forward).
  double training_step() const { return 3 * generator_forward + 9 * discriminator_forward; }
};
ModelFlops count_flops(const ModelSpec& spec, int64_t batch);

}  // namespace audiogan
