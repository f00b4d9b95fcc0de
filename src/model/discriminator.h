// The default discriminator (--arch default): spectrally normalised convolutions (unless
// spec.spectral_norm is false) and a projection head (Miyato & Koyama 2018) that scores how well
// the features match the requested class.
#pragma once

#include <torch/torch.h>

#include "model/attention.h"
#include "model/gan_models.h"
#include "model/layers.h"

namespace audiogan {

class Discriminator : public DiscriminatorBase {
 public:
  // Channels w, 2w, 4w, 8w at n/2 .. n/16 (w = spec.width, 0 = default_width).
  explicit Discriminator(const ModelSpec& spec);
  // spectrograms [B, 1, n_mels, frames], labels [B] -> logits [B, 1]. A variable-length model
  // takes any width that is a multiple of 16 up to frames, and its score does not grow with it.
  torch::Tensor forward(const torch::Tensor& spectrograms, const torch::Tensor& labels) override;
  void pretty_print(std::ostream& stream) const override;

 private:
  ModelSpec spec_;
  std::vector<SNConv2d> downs_;    // k4 s2 p1, halve both axes
  std::vector<SNConv2d> refines_;  // k3 s1 p1 after downs 2..4
  StageAttention attention_;       // --attention blocks, spectrally normalised like the layers
  SNLinear linear_{nullptr};       // unconditional score psi(phi)
  torch::Tensor class_embed_;      // [num_classes, 8w], spectrally normalised like the layers
  torch::Tensor class_embed_u_;    // [num_classes] power-iteration vector of class_embed_
};

}  // namespace audiogan
