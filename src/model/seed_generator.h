// The seeds' generator (--arch seed): one-hot label concatenated to z, a Linear layer and four
// transposed convolutions, as in the original Python script (tanh output; see docs/design.md).
#pragma once

#include <torch/torch.h>

#include "model/attention.h"
#include "model/gan_models.h"

namespace audiogan {

class SeedGenerator : public GeneratorBase {
 public:
  // spec.width 0 means 64, the seeds' width (512 channels after the Linear layer).
  explicit SeedGenerator(const ModelSpec& spec);
  // z [B, latent], labels [B] int64 -> [B, 1, n_mels, frames] in [-1, 1]
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) override;
  void pretty_print(std::ostream& stream) const override;

 private:
  ModelSpec spec_;
  int64_t h0_, w0_;  // spatial size after the Linear layer: n_mels/16 x frames/16
  torch::nn::Linear fc_{nullptr};
  torch::nn::ConvTranspose2d up1_{nullptr}, up2_{nullptr}, up3_{nullptr}, up4_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  StageAttention attention_;  // --attention blocks (not in the seeds), by stage height
};

}  // namespace audiogan
