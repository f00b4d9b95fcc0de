// WGAN-GP's gradient penalty (see gradient_penalty.h).
#include "train/gradient_penalty.h"

#include "model/autocast.h"

namespace audiogan {

torch::Tensor gradient_penalty(const Critic& critic, const torch::Tensor& real,
                               const torch::Tensor& fake, const torch::Tensor& eps) {
  const auto device = real.device().type();
  AutocastScope float32(device, /*enabled=*/false, autocast_dtype(device));
  std::vector<int64_t> shape(real.dim(), 1);
  shape[0] = real.size(0);
  const auto e = eps.to(real.device(), torch::kFloat).view(shape);  // [B, 1, ...]
  const auto x_hat =
      (e * real.detach().to(torch::kFloat) + (1 - e) * fake.detach().to(torch::kFloat))
          .requires_grad_(true);
  const auto scores = critic(x_hat).to(torch::kFloat);  // [B, P]
  const auto grad = torch::autograd::grad({scores.sum()}, {x_hat}, /*grad_outputs=*/{},
                                          /*retain_graph=*/true, /*create_graph=*/true)[0];
  const auto norm = grad.reshape({grad.size(0), -1}).norm(2, 1);  // [B]
  return (norm - 1).pow(2).mean();
}

}  // namespace audiogan
