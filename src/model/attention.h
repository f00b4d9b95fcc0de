// Self-attention over the positions of a feature map, for the generators and discriminators
// (--attention). ref: Zhang et al. 2019, "Self-Attention Generative Adversarial Networks"
// (SAGAN), section 3: f, g, h as 1x1 convolutions, softmax over positions, y = gamma * o + x
// with gamma initialised to 0 so the block starts as the identity.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "model/gan_models.h"

namespace audiogan {

struct SelfAttention2dOptions {
  explicit SelfAttention2dOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);
  // Spectrally normalised projections, for a discriminator whose convolutions are.
  TORCH_ARG(bool, spectral_norm) = false;
};

// x [B, C, H, W] -> [B, C, H, W]. Query and key project to max(1, C/8) channels, the value keeps
// C (the paper's sizes). The attention map [B, N, N] over N = H*W positions is computed in
// float32 even under autocast, as the softmax over thousands of positions loses mass in bf16.
class SelfAttention2dImpl : public torch::nn::Cloneable<SelfAttention2dImpl> {
 public:
  explicit SelfAttention2dImpl(const SelfAttention2dOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& x);
  // The attention weights [B, N, N] of `x` (row i: how position i reads every position).
  torch::Tensor attention_map(const torch::Tensor& x);

  SelfAttention2dOptions options;
  torch::nn::AnyModule query, key, value;  // 1x1 convolutions (spectrally normalised or not)
  torch::Tensor gamma;                     // [1], starts at 0

 private:
  // q [B, N, C/8], k [B, C/8, N], v [B, C, N] in float32.
  void project(const torch::Tensor& x, torch::Tensor& q, torch::Tensor& k, torch::Tensor& v);
};
TORCH_MODULE(SelfAttention2d);

// The attention blocks of one network, looked up by the height of the feature map they attend
// over. Every architecture has w * (n_mels/2) / H channels at its stage H rows high, in G and in D.
class StageAttention {
 public:
  // Registers a block "attention<H>" on `owner` for each H in spec.attention (spec resolved, so
  // spec.width is set).
  void build(torch::nn::Module& owner, const ModelSpec& spec, bool spectral_norm);
  // x [B, C, H, W] through the block for height H; x itself when there is none.
  torch::Tensor operator()(const torch::Tensor& x);
  bool empty() const { return blocks_.empty(); }

 private:
  std::vector<std::pair<int64_t, SelfAttention2d>> blocks_;
};

// The feature-map heights (mel rows) at which an architecture has a stage that can hold an
// attention block: n_mels/2, n_mels/4, n_mels/8 and n_mels/16, in both G and D.
std::vector<int> attention_stage_rows(const ModelSpec& spec);

// Bytes of the float32 attention maps one training step keeps for a batch: per block, the map and
// its softmax for D's real, fake and generator passes (an upper bound used to refuse settings
// that cannot fit, not an allocator figure).
double attention_memory_bytes(const ModelSpec& spec, int64_t batch);

// Throws ConfigError naming --attention when a height is not a stage of the spec.
void check_attention_rows(const ModelSpec& spec);

}  // namespace audiogan
