// The generators' eval-mode forward pass as TorchScript source, so an export runs in any
// program that loads TorchScript (Python's torch.jit.load, LibTorch's torch::jit::load) without
// audiogan's C++ classes. LibTorch cannot script C++-defined modules; this source restates each
// forward with aten operators over the same parameter names, and a test holds it equal to the
// C++ modules.
#pragma once

#include <string>

#include "model/gan_models.h"

namespace audiogan {

// TorchScript source defining
//   forward(self, z: Tensor, labels: Tensor) -> Tensor
//     z [B, latent] float32, labels [B] int64 -> [B, 1, n_mels, frames] in [-1, 1]
// for the generator of `spec` (arch seed or default) in eval mode (BatchNorm running
// statistics). The weights are read from a submodule `self.generator` that has the C++
// module's parameter and buffer tree (e.g. self.generator.up1.conv.weight).
std::string generator_script_source(const ModelSpec& spec);

}  // namespace audiogan
