// The seeds' discriminator (--arch seed): the spectrogram concatenated with a learned per-class
// label map, strided convolutions with LeakyReLU(0.2), and a PatchGAN map of logits.
#pragma once

#include <torch/torch.h>

#include "model/attention.h"
#include "model/gan_models.h"

namespace audiogan {

class SeedDiscriminator : public DiscriminatorBase {
 public:
  // spec.width 0 means 64, the seeds' width (64, 128, 256, 512 channels).
  explicit SeedDiscriminator(const ModelSpec& spec);
  // spectrograms [B, 1, n_mels, frames], labels [B] -> logits [B, P], P = (n_mels/16 - 1) *
  // (frames/16 - 1) patches (7 x 31 = 217 at 128 x 512).
  torch::Tensor forward(const torch::Tensor& spectrograms, const torch::Tensor& labels) override;
  void pretty_print(std::ostream& stream) const override;

 private:
  ModelSpec spec_;
  torch::nn::Embedding label_map_{nullptr};  // [num_classes, n_mels * frames]
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr}, conv4_{nullptr},
      out_{nullptr};
  StageAttention attention_;  // --attention blocks (not in the seeds), by stage height
};

}  // namespace audiogan
