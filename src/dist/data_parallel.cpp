// Weight broadcast and bucketed gradient averaging (see data_parallel.h).
#include "dist/data_parallel.h"

#include <algorithm>
#include <chrono>

namespace audiogan::dist {

void broadcast_module(ProcessGroup& group, torch::nn::Module& module, int root,
                      const std::string& name) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> tensors;
  for (const auto& p : module.parameters()) tensors.push_back(p.data());
  for (const auto& b : module.buffers()) tensors.push_back(b);
  // c10d broadcasts in place into contiguous storage; parameters and buffers are contiguous as
  // created, but a non-contiguous one goes through a copy.
  std::vector<torch::Tensor> contiguous;
  for (const auto& t : tensors) contiguous.push_back(t.is_contiguous() ? t : t.contiguous());
  group.broadcast(contiguous, root, "the weights and buffers of " + name);
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!contiguous[i].is_same(tensors[i])) tensors[i].copy_(contiguous[i]);
  }
}

GradientAverager::GradientAverager(ProcessGroup& group, int64_t bucket_bytes)
    : group_(group), bucket_bytes_(std::max<int64_t>(1, bucket_bytes)) {}

void GradientAverager::average(torch::nn::Module& module, const std::string& name) {
  const auto start = std::chrono::steady_clock::now();
  torch::NoGradGuard no_grad;
  // Buckets of consecutive gradients: [bucket][gradient].
  std::vector<std::vector<torch::Tensor>> buckets;
  int64_t bucket_size = 0;
  for (const auto& p : module.parameters()) {
    const auto& grad = p.grad();
    if (!grad.defined()) continue;
    const int64_t bytes = grad.numel() * static_cast<int64_t>(grad.element_size());
    const bool fits = !buckets.empty() && bucket_size + bytes <= bucket_bytes_ &&
                      buckets.back().front().scalar_type() == grad.scalar_type() &&
                      buckets.back().front().device() == grad.device();
    if (!fits) {
      buckets.emplace_back();
      bucket_size = 0;
    }
    buckets.back().push_back(grad);
    bucket_size += bytes;
  }
  std::vector<torch::Tensor> flat;  // [bucket] 1-D
  for (const auto& bucket : buckets) {
    std::vector<torch::Tensor> pieces;
    for (const auto& g : bucket) pieces.push_back(g.reshape({-1}));
    flat.push_back(torch::cat(pieces));
  }
  group_.all_reduce_sum(flat, "the gradients of " + name);
  for (size_t i = 0; i < buckets.size(); ++i) {
    flat[i].div_(group_.size());
    int64_t offset = 0;
    for (auto& g : buckets[i]) {
      g.copy_(flat[i].narrow(0, offset, g.numel()).view_as(g));
      offset += g.numel();
    }
    stats_.bytes += flat[i].numel() * static_cast<int64_t>(flat[i].element_size());
  }
  stats_.buckets += static_cast<int64_t>(buckets.size());
  ++stats_.calls;
  stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace audiogan::dist
