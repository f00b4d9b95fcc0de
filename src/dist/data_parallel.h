// Data-parallel training over a dist::ProcessGroup, as PyTorch's DDP does it but without hooks
// into autograd: rank 0's weights and buffers are broadcast once at the start, and after each
// backward the gradients are averaged across ranks, bucket by bucket, before the optimiser step.
#pragma once

#include <cstdint>
#include <string>

#include <torch/torch.h>

#include "dist/process_group.h"

namespace audiogan::dist {

// Every parameter and buffer of `module` (in registration order, the same on every rank)
// becomes rank `root`'s. `name` names the module in errors.
void broadcast_module(ProcessGroup& group, torch::nn::Module& module, int root,
                      const std::string& name);

struct GradientSyncStats {
  int64_t calls = 0;    // average() calls
  int64_t buckets = 0;  // all-reduces issued
  int64_t bytes = 0;    // gradient bytes all-reduced by this rank (payload, not wire traffic)
  double seconds = 0;   // wall time in average(), flattening and copying back included
};

class GradientAverager {
 public:
  // Buckets of at most `bucket_bytes` (one gradient larger than that is a bucket of its own).
  explicit GradientAverager(ProcessGroup& group, int64_t bucket_bytes = int64_t{4} << 20);

  // Every defined .grad of `module`'s parameters becomes its mean over ranks: consecutive
  // gradients of one dtype and device are flattened into a bucket, one all-reduce (sum) per
  // bucket, all in flight together, divided by the world size after the wait, and copied back.
  // A parameter without a gradient is left so (it has none on every rank: the graphs match).
  void average(torch::nn::Module& module, const std::string& name);

  const GradientSyncStats& stats() const { return stats_; }

 private:
  ProcessGroup& group_;
  int64_t bucket_bytes_;
  GradientSyncStats stats_;
};

}  // namespace audiogan::dist
