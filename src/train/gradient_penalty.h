// The gradient penalty of WGAN-GP. ref: Gulrajani et al. 2017, "Improved Training of Wasserstein
// GANs", Algorithm 1: x_hat = eps * x + (1 - eps) * x_fake with eps ~ U[0, 1] per sample, and
// lambda * (||grad_x_hat D(x_hat)||_2 - 1)^2, averaged over the batch.
#pragma once

#include <functional>

#include <torch/torch.h>

namespace audiogan {

using Critic = std::function<torch::Tensor(const torch::Tensor&)>;  // [B, ...] -> scores [B, P]

// E[(||grad D(x_hat)||_2 - 1)^2] (without lambda) for x_hat = eps * real + (1 - eps) * fake;
// real and fake [B, ...] (detached or not: x_hat is a new leaf), eps [B] in [0, 1]. Everything,
// the critic's forward included, runs in float32 with autocast off: the penalty differentiates a
// gradient, and bf16 rounding of that gradient would leave the norm noisy to ~1e-2. The result
// keeps the double-backward graph (create_graph), so backward() reaches the critic's parameters.
// A critic returning several scores per sample (a patch map) is penalised on their sum.
torch::Tensor gradient_penalty(const Critic& critic, const torch::Tensor& real,
                               const torch::Tensor& fake, const torch::Tensor& eps);

}  // namespace audiogan
