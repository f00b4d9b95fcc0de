// Validation of a ModelSpec and of the tensors handed to the models, shared by every arch.
#pragma once

#include <torch/torch.h>

#include "model/gan_models.h"

namespace audiogan {

// Checks the spec (n_mels and frames divisible by 16, positive sizes) and fills width 0 with the
// arch's default. Throws ConfigError naming the setting.
ModelSpec resolve_spec(const ModelSpec& spec, int default_width);

// Checks z [B, latent] and labels [B] int64 in [0, num_classes); throws DataError otherwise.
void check_inputs(const char* component, const torch::Tensor& z, const torch::Tensor& labels,
                  const ModelSpec& spec);

// Checks frames [B] int64 in [1, width] and width a multiple of 16 in [16, spec.frames] (the
// per-clip lengths of a variable-length model); throws DataError otherwise.
void check_frames(const char* component, const torch::Tensor& frames, int64_t batch, int64_t width,
                  const ModelSpec& spec);

// Checks spectrograms [B, 1, n_mels, frames] (for a variable-length model any width that is a
// multiple of 16 up to frames) and labels [B]; throws DataError otherwise.
void check_spectrograms(const char* component, const torch::Tensor& x, const torch::Tensor& labels,
                        const ModelSpec& spec);

}  // namespace audiogan
