// The seeds' discriminator: [spectrogram, label map] -> 4 x Conv2d(k4, s2, p1) + LeakyReLU(0.2)
// -> Conv2d(k4, s1, p1) to one logit per patch (pix2pix's PatchGAN head).
#include "model/seed_discriminator.h"

#include "model/spec_check.h"

namespace audiogan {

namespace {
torch::nn::Conv2d down(int64_t in, int64_t out) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 4).stride(2).padding(1));
}
}  // namespace

SeedDiscriminator::SeedDiscriminator(const ModelSpec& spec)
    : spec_(resolve_spec(spec, /*default_width=*/64)) {
  const int64_t w = spec_.width;
  label_map_ = register_module(
      "label_map", torch::nn::Embedding(spec_.num_classes, int64_t{spec_.n_mels} * spec_.frames));
  conv1_ = register_module("conv1", down(2, w));
  conv2_ = register_module("conv2", down(w, 2 * w));
  conv3_ = register_module("conv3", down(2 * w, 4 * w));
  conv4_ = register_module("conv4", down(4 * w, 8 * w));
  out_ = register_module(
      "out", torch::nn::Conv2d(torch::nn::Conv2dOptions(8 * w, 1, 4).stride(1).padding(1)));
  attention_.build(*this, spec_, /*spectral_norm=*/false);  // the seed D has no spectral norm
}

torch::Tensor SeedDiscriminator::forward(const torch::Tensor& x, const torch::Tensor& labels) {
  check_spectrograms("SeedDiscriminator", x, labels, spec_);
  const auto map = label_map_->forward(labels)
                       .view({-1, 1, spec_.n_mels, spec_.frames})
                       .to(x.scalar_type());  // [B, 1, n, f]
  auto h = torch::cat({x, map}, 1);           // [B, 2, n, f]
  // attention_ is the identity at every stage --attention does not name.
  h = attention_(torch::leaky_relu(conv1_->forward(h), 0.2));  // [B, w, n/2, f/2]
  h = attention_(torch::leaky_relu(conv2_->forward(h), 0.2));  // [B, 2w, n/4, f/4]
  h = attention_(torch::leaky_relu(conv3_->forward(h), 0.2));  // [B, 4w, n/8, f/8]
  h = attention_(torch::leaky_relu(conv4_->forward(h), 0.2));  // [B, 8w, n/16, f/16]
  return out_->forward(h).flatten(1).to(torch::kFloat);        // [B, P]
}

void SeedDiscriminator::pretty_print(std::ostream& stream) const {
  stream << "audiogan::SeedDiscriminator(classes=" << spec_.num_classes << ", width=" << spec_.width
         << ", " << spec_.n_mels << "x" << spec_.frames << ", PatchGAN)";
}

}  // namespace audiogan
