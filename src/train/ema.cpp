// EMA of weights (see ema.h).
#include "train/ema.h"

#include "core/error.h"

namespace audiogan {
namespace {

template <typename Apply>
void zip_tensors(std::vector<torch::Tensor> targets, std::vector<torch::Tensor> sources,
                 const char* what, Apply apply) {
  if (targets.size() != sources.size()) {
    throw Error(std::string("ema: the two modules differ in their number of ") + what);
  }
  for (size_t i = 0; i < targets.size(); ++i) apply(targets[i], sources[i]);
}

}  // namespace

void ema_update(torch::nn::Module& ema, const torch::nn::Module& source, double decay) {
  torch::NoGradGuard no_grad;
  zip_tensors(ema.parameters(), source.parameters(), "parameters",
              [&](torch::Tensor& e, const torch::Tensor& s) { e.lerp_(s, 1.0 - decay); });
  zip_tensors(ema.buffers(), source.buffers(), "buffers",
              [](torch::Tensor& e, const torch::Tensor& s) { e.copy_(s); });
}

void copy_weights(torch::nn::Module& target, const torch::nn::Module& source) {
  torch::NoGradGuard no_grad;
  zip_tensors(target.parameters(), source.parameters(), "parameters",
              [](torch::Tensor& t, const torch::Tensor& s) { t.copy_(s); });
  zip_tensors(target.buffers(), source.buffers(), "buffers",
              [](torch::Tensor& t, const torch::Tensor& s) { t.copy_(s); });
}

}  // namespace audiogan
