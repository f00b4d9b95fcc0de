// Buffer snapshots (see buffer_snapshot.h).
#include "train/buffer_snapshot.h"

#include "core/error.h"

namespace audiogan {

BufferSnapshot::BufferSnapshot(const torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (const auto& buffer : module.buffers()) values_.push_back(buffer.clone());
}

void BufferSnapshot::restore(torch::nn::Module& module) const {
  torch::NoGradGuard no_grad;
  auto buffers = module.buffers();
  if (buffers.size() != values_.size()) {
    throw DataError("buffer snapshot: " + module.name() + " has " + std::to_string(buffers.size()) +
                    " buffers, the snapshot " + std::to_string(values_.size()));
  }
  // Through .data(), which does not bump the version counter autograd checks: BatchNorm's
  // backward keeps its running statistics among its saved inputs (it does not read them in
  // training mode), and a graph built before the restore is still to be backpropagated.
  for (size_t i = 0; i < buffers.size(); ++i) buffers[i].data().copy_(values_[i]);
}

}  // namespace audiogan
