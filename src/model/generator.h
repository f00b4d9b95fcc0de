// The default generator (--arch default): label embedding concatenated to z, conditional batch
// norm in every block, sub-pixel convolution upsampling (no ConvTranspose2d), tanh output.
#pragma once

#include <torch/torch.h>

#include "model/attention.h"
#include "model/gan_models.h"
#include "model/layers.h"

namespace audiogan {

class Generator : public GeneratorBase {
 public:
  // Channels 8w, 4w, 2w, w, 1 at n/16, n/8, n/4, n/2, n (w = spec.width, 0 = default_width).
  explicit Generator(const ModelSpec& spec);
  // z [B, latent], labels [B] int64 -> [B, 1, n_mels, frames] in [-1, 1]
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) override;
  // --lengths variable: the first width/16 columns of the initial map, upsampled to
  // [B, 1, n_mels, width], with the length features appended to z and silence after each clip.
  torch::Tensor forward_frames(const torch::Tensor& z, const torch::Tensor& labels,
                               const torch::Tensor& frames, int64_t width) override;
  void pretty_print(std::ostream& stream) const override;

  static constexpr int kEmbedding = 64;  // size of the label embedding concatenated to z

 private:
  // The upsampling stack from the fc input [B, latent + embedding (+ length)] to [B, 1, n, width].
  torch::Tensor decode(const torch::Tensor& input, const torch::Tensor& labels, int64_t width);

  ModelSpec spec_;
  int64_t h0_, w0_;
  torch::nn::Embedding embed_{nullptr};
  torch::nn::Linear fc_{nullptr};
  std::vector<ConditionalBatchNorm2d> norms_;  // before each upsampling
  std::vector<SubPixelUpsample> ups_;
  StageAttention attention_;  // --attention blocks, by stage height
};

}  // namespace audiogan
