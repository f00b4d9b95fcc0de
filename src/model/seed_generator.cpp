// The seeds' generator: Linear -> reshape -> 4 x ConvTranspose2d(k4, s2, p1) with BatchNorm + ReLU.
#include "model/seed_generator.h"

#include "model/spec_check.h"

namespace audiogan {

namespace {
torch::nn::ConvTranspose2d up(int64_t in, int64_t out) {
  return torch::nn::ConvTranspose2d(
      torch::nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1));
}
}  // namespace

SeedGenerator::SeedGenerator(const ModelSpec& spec)
    : spec_(resolve_spec(spec, /*default_width=*/64)) {
  const int64_t w = spec_.width;
  h0_ = spec_.n_mels / 16;
  w0_ = spec_.frames / 16;
  fc_ =
      register_module("fc", torch::nn::Linear(spec_.latent + spec_.num_classes, 8 * w * h0_ * w0_));
  up1_ = register_module("up1", up(8 * w, 4 * w));
  bn1_ = register_module("bn1", torch::nn::BatchNorm2d(4 * w));
  up2_ = register_module("up2", up(4 * w, 2 * w));
  bn2_ = register_module("bn2", torch::nn::BatchNorm2d(2 * w));
  up3_ = register_module("up3", up(2 * w, w));
  bn3_ = register_module("bn3", torch::nn::BatchNorm2d(w));
  up4_ = register_module("up4", up(w, 1));
  attention_.build(*this, spec_, /*spectral_norm=*/false);
}

torch::Tensor SeedGenerator::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  check_inputs("SeedGenerator", z, labels, spec_);
  const auto one_hot = torch::one_hot(labels, spec_.num_classes).to(z.scalar_type());  // [B, C]
  auto x = fc_->forward(torch::cat({z, one_hot}, 1));  // [B, 8w*h0*w0]
  // attention_ is the identity at every stage --attention does not name.
  x = attention_(x.view({-1, 8 * spec_.width, h0_, w0_}));       // [B, 8w, n/16, f/16]
  x = attention_(torch::relu(bn1_->forward(up1_->forward(x))));  // [B, 4w, n/8, f/8]
  x = attention_(torch::relu(bn2_->forward(up2_->forward(x))));  // [B, 2w, n/4, f/4]
  x = attention_(torch::relu(bn3_->forward(up3_->forward(x))));  // [B, w, n/2, f/2]
  return torch::tanh(up4_->forward(x));                          // [B, 1, n, f]
}

void SeedGenerator::pretty_print(std::ostream& stream) const {
  stream << "audiogan::SeedGenerator(classes=" << spec_.num_classes << ", latent=" << spec_.latent
         << ", width=" << spec_.width << ", " << spec_.n_mels << "x" << spec_.frames << ")";
}

}  // namespace audiogan
