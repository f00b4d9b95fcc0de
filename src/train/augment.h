// Differentiable augmentation of what D sees (DiffAugment, Zhao et al. 2020): the same random
// time shift and cutout are drawn for real and generated batches alike, so D cannot memorise a
// small training set while G still learns the un-augmented distribution (the augmentations
// are applied to both sides of the game and gradients flow through them to G).
#pragma once

#include <string>

#include <torch/torch.h>

namespace audiogan {

struct AugmentPolicy {
  bool translation = false;  // shift each sample in time by up to 1/8 of the frames
  bool cutout = false;       // silence one rectangle of half the frames x half the mel bins

  // "none" or a comma list of {translation, cutout}; throws ConfigError naming --augment.
  static AugmentPolicy parse(const std::string& text);
  bool any() const { return translation || cutout; }
};

// x [B, 1, n_mels, frames] in the models' units, `silence` the value of a silent bin there
// (-1 after normalisation). Returns [B, 1, n_mels, frames]: shifted samples are filled with
// silence where they moved away from the edge, cut rectangles are silence. Differentiable in
// x; the random draws come from `rng` on the CPU, so a run is reproducible from its seed.
torch::Tensor augment(const torch::Tensor& x, const AugmentPolicy& policy, double silence,
                      at::Generator& rng);

}  // namespace audiogan
