// Exponential moving average of a module's weights (used for sampling: an EMA of G gives
// smoother, better samples than the last step's weights). ref: Karras et al. 2018 (ProGAN),
// Yazici et al. 2019, "The unusual effectiveness of averaging in GAN training".
#pragma once

#include <torch/torch.h>

namespace audiogan {

// ema = decay * ema + (1 - decay) * source for every parameter; buffers (BatchNorm running
// statistics) are copied. Both modules must have the same structure.
void ema_update(torch::nn::Module& ema, const torch::nn::Module& source, double decay);

// ema := source, parameters and buffers (the start of the average).
void copy_weights(torch::nn::Module& target, const torch::nn::Module& source);

}  // namespace audiogan
