// The default discriminator. Layer list and the reason for each choice: docs/design.md.
#include "model/discriminator.h"

#include "model/spec_check.h"

namespace audiogan {

namespace {
// Variable-length models: D's time-averaged features count as this many columns (96 frames / 16,
// the fitted length of the example drums), so its logits keep the fixed-length model's scale.
constexpr double kScoreColumns = 6.0;
}  // namespace

Discriminator::Discriminator(const ModelSpec& spec)
    : spec_(resolve_spec(spec, default_width("default"))) {
  const int64_t w = spec_.width;
  const int64_t channels[] = {1, w, 2 * w, 4 * w, 8 * w};
  for (int i = 0; i < 4; ++i) {
    downs_.push_back(register_module("down" + std::to_string(i + 1),
                                     SNConv2d(SNConv2dOptions(channels[i], channels[i + 1], 4)
                                                  .stride(2)
                                                  .padding(1)
                                                  .normalize(spec_.spectral_norm))));
    if (i > 0)
      refines_.push_back(
          register_module("refine" + std::to_string(i + 1),
                          SNConv2d(SNConv2dOptions(channels[i + 1], channels[i + 1], 3)
                                       .padding(1)
                                       .normalize(spec_.spectral_norm))));
  }
  linear_ =
      register_module("linear", SNLinear(SNLinearOptions(8 * w, 1).normalize(spec_.spectral_norm)));
  class_embed_ = register_parameter("class_embed", torch::empty({spec_.num_classes, 8 * w}));
  {
    torch::NoGradGuard no_grad;
    torch::nn::init::xavier_uniform_(class_embed_);
  }
  auto u = torch::randn({spec_.num_classes});
  class_embed_u_ = register_buffer("class_embed_u", u / (u.norm() + 1e-12));
  attention_.build(*this, spec_, spec_.spectral_norm);
  if (spec_.channels_last) convert_to_channels_last(*this);
}

torch::Tensor Discriminator::forward(const torch::Tensor& x, const torch::Tensor& labels) {
  check_spectrograms("Discriminator", x, labels, spec_);
  auto h = x;
  if (spec_.channels_last) h = h.contiguous(at::MemoryFormat::ChannelsLast);
  for (size_t i = 0; i < downs_.size(); ++i) {
    // In place: a convolution's backward needs its input, not its output, and LeakyReLU's
    // backward can use its own result, so no second activation-sized tensor is written.
    h = downs_[i]->forward(h);  // [B, c_i, H/2, W/2]
    torch::leaky_relu_(h, 0.2);
    if (i > 0) {
      h = refines_[i - 1]->forward(h);
      torch::leaky_relu_(h, 0.2);
    }
    h = attention_(h);  // at this stage's height, if --attention names it
  }
  // Sum pooling over time and frequency (as SNGAN/BigGAN): phi [B, 8w], in float32 so the
  // projection's sum over channels does not lose precision under bf16 autocast. A variable-length
  // model averages over time instead, scaled to kScoreColumns: with a sum, a 512-frame bucket
  // scores ~10x a 48-frame one, and its steps would dominate G's gradient (and Adam's scale).
  const auto phi =
      (spec_.variable_length ? h.sum(2).mean(2) * kScoreColumns : h.sum({2, 3})).to(torch::kFloat);
  const auto embed = spec_.spectral_norm
                         ? spectral_normalize(class_embed_, class_embed_u_, is_training())
                         : class_embed_;
  const auto projection = (embed.index_select(0, labels) * phi).sum(1, /*keepdim=*/true);  // [B, 1]
  return linear_->forward(phi).to(torch::kFloat) + projection;                             // [B, 1]
}

void Discriminator::pretty_print(std::ostream& stream) const {
  stream << "audiogan::Discriminator(classes=" << spec_.num_classes << ", width=" << spec_.width
         << ", " << spec_.n_mels << "x" << spec_.frames
         << (spec_.spectral_norm ? ", spectral norm" : ", no spectral norm") << ", projection"
         << (spec_.channels_last ? ", NHWC" : "") << ")";
}

}  // namespace audiogan
