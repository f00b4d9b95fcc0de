// The values of a module's buffers (spectral norm's power-iteration vectors, BatchNorm's running
// statistics), taken to be put back later. Gradient accumulation uses it so that K micro-batches
// on one process leave the buffers as each of K data-parallel ranks would (see gan_step.h).
#pragma once

#include <vector>

#include <torch/torch.h>

namespace audiogan {

class BufferSnapshot {
 public:
  BufferSnapshot() = default;
  // Copies every buffer of `module` (recursively, in registration order).
  explicit BufferSnapshot(const torch::nn::Module& module);
  // Writes the copies back into `module`'s buffers in place; `module` must be the one (or one of
  // the same structure) the snapshot was taken of.
  void restore(torch::nn::Module& module) const;
  bool empty() const { return values_.empty(); }

 private:
  std::vector<torch::Tensor> values_;
};

}  // namespace audiogan
